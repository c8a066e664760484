/**
 * Names for a record's numbers: protocol keyword and TCP flag names. The
 * parser (src/format/parse.ts) writes them, and the scope, geo and AS keys of
 * the addresses (src/enrich/ip-scope.ts, src/enrich/geoip.ts), straight into
 * the document's JSON.
 *
 * Hot path: lookups are array indexing; the names of the 256 flag values are
 * built once.
 */

// IANA "Assigned Internet Protocol Numbers", keywords in lower case:
// https://www.iana.org/assignments/protocol-numbers/
// Numbers without a keyword (61, 63, 68, 99, 114: "any ..."; 253-254:
// experimentation; 255: reserved) are left out. Two names follow
// /etc/protocols instead of the registry's keyword, because that is what
// people search for: 89 "ospf" (IANA: OSPFIGP) and 124 "isis" (IANA: "ISIS
// over IPv4"); 135 "Mobility Header" becomes "mobility-header".
const PROTOCOL_KEYWORDS: readonly (readonly [number, string])[] = [
  [0, 'hopopt'], [1, 'icmp'], [2, 'igmp'], [3, 'ggp'], [4, 'ipv4'], [5, 'st'], [6, 'tcp'], [7, 'cbt'],
  [8, 'egp'], [9, 'igp'], [10, 'bbn-rcc-mon'], [11, 'nvp-ii'], [12, 'pup'], [13, 'argus'], [14, 'emcon'],
  [15, 'xnet'], [16, 'chaos'], [17, 'udp'], [18, 'mux'], [19, 'dcn-meas'], [20, 'hmp'], [21, 'prm'],
  [22, 'xns-idp'], [23, 'trunk-1'], [24, 'trunk-2'], [25, 'leaf-1'], [26, 'leaf-2'], [27, 'rdp'],
  [28, 'irtp'], [29, 'iso-tp4'], [30, 'netblt'], [31, 'mfe-nsp'], [32, 'merit-inp'], [33, 'dccp'],
  [34, '3pc'], [35, 'idpr'], [36, 'xtp'], [37, 'ddp'], [38, 'idpr-cmtp'], [39, 'tp++'], [40, 'il'],
  [41, 'ipv6'], [42, 'sdrp'], [43, 'ipv6-route'], [44, 'ipv6-frag'], [45, 'idrp'], [46, 'rsvp'],
  [47, 'gre'], [48, 'dsr'], [49, 'bna'], [50, 'esp'], [51, 'ah'], [52, 'i-nlsp'], [53, 'swipe'],
  [54, 'narp'], [55, 'min-ipv4'], [56, 'tlsp'], [57, 'skip'], [58, 'ipv6-icmp'], [59, 'ipv6-nonxt'],
  [60, 'ipv6-opts'], [62, 'cftp'], [64, 'sat-expak'], [65, 'kryptolan'], [66, 'rvd'], [67, 'ippc'],
  [69, 'sat-mon'], [70, 'visa'], [71, 'ipcu'], [72, 'cpnx'], [73, 'cphb'], [74, 'wsn'], [75, 'pvp'],
  [76, 'br-sat-mon'], [77, 'sun-nd'], [78, 'wb-mon'], [79, 'wb-expak'], [80, 'iso-ip'], [81, 'vmtp'],
  [82, 'secure-vmtp'], [83, 'vines'], [84, 'iptm'], [85, 'nsfnet-igp'], [86, 'dgp'], [87, 'tcf'],
  [88, 'eigrp'], [89, 'ospf'], [90, 'sprite-rpc'], [91, 'larp'], [92, 'mtp'], [93, 'ax.25'], [94, 'ipip'],
  [95, 'micp'], [96, 'scc-sp'], [97, 'etherip'], [98, 'encap'], [100, 'gmtp'], [101, 'ifmp'],
  [102, 'pnni'], [103, 'pim'], [104, 'aris'], [105, 'scps'], [106, 'qnx'], [107, 'a/n'], [108, 'ipcomp'],
  [109, 'snp'], [110, 'compaq-peer'], [111, 'ipx-in-ip'], [112, 'vrrp'], [113, 'pgm'], [115, 'l2tp'],
  [116, 'ddx'], [117, 'iatp'], [118, 'stp'], [119, 'srp'], [120, 'uti'], [121, 'smp'], [122, 'sm'],
  [123, 'ptp'], [124, 'isis'], [125, 'fire'], [126, 'crtp'], [127, 'crudp'], [128, 'sscopmce'],
  [129, 'iplt'], [130, 'sps'], [131, 'pipe'], [132, 'sctp'], [133, 'fc'], [134, 'rsvp-e2e-ignore'],
  [135, 'mobility-header'], [136, 'udplite'], [137, 'mpls-in-ip'], [138, 'manet'], [139, 'hip'],
  [140, 'shim6'], [141, 'wesp'], [142, 'rohc'], [143, 'ethernet'], [144, 'aggfrag'], [145, 'nsh'],
  [146, 'homa'], [147, 'bit-emu'],
];

const PROTOCOL_BY_NUMBER: readonly (string | undefined)[] = (() => {
  const table = new Array<string | undefined>(256).fill(undefined);
  for (const [n, keyword] of PROTOCOL_KEYWORDS) table[n] = keyword;
  return table;
})();

/**
 * IANA keyword, lower case, of an IP protocol number (6 -> "tcp", 58 ->
 * "ipv6-icmp"), or undefined for a number without one.
 */
export function protocolName(n: number): string | undefined {
  return PROTOCOL_BY_NUMBER[n];
}

/** TCP flag names by bit, as VPC Flow Logs' tcp-flags reports them. */
export const TCP_FLAGS = ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG', 'ECE', 'CWR'] as const;

/** One of {@link TCP_FLAGS}. */
export type TcpFlagName = (typeof TCP_FLAGS)[number];

const EMPTY_FLAGS: readonly TcpFlagName[] = Object.freeze([]);

const FLAGS_BY_VALUE: readonly (readonly TcpFlagName[])[] = Array.from({ length: 256 }, (_, bits) =>
  Object.freeze(TCP_FLAGS.filter((_name, bit) => (bits & (1 << bit)) !== 0)),
);

/**
 * Names of the flags set in a tcp-flags value, lowest bit first:
 * 18 -> ["SYN", "ACK"]. Bits above CWR are ignored; a value that is not a
 * non-negative integer gives []. The arrays are shared and frozen.
 * https://docs.aws.amazon.com/vpc/latest/userguide/flow-log-records.html
 */
export function tcpFlagNames(bits: number): readonly TcpFlagName[] {
  // Stryker disable next-line EqualityOperator: for 0 both branches give an empty frozen list
  return Number.isInteger(bits) && bits >= 0 ? FLAGS_BY_VALUE[bits & 0xff]! : EMPTY_FLAGS;
}
