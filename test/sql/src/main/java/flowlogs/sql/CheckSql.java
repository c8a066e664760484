package flowlogs.sql;

import io.trino.sql.parser.ParsingException;
import io.trino.sql.parser.SqlParser;
import io.trino.sql.tree.Statement;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.hive.ql.parse.ASTNode;
import org.apache.hadoop.hive.ql.parse.HiveParser;
import org.apache.hadoop.hive.ql.parse.ParseDriver;

/**
 * Parses SQL statements with the parser of the engine that runs them, one
 * statement per file:
 *
 * <ul>
 *   <li>{@code *.trino.sql}: Trino's SqlParser (Athena engine version 3 queries);
 *   <li>{@code *.hive.sql}: Hive's ParseDriver (Athena DDL is Hive DDL).
 * </ul>
 *
 * <pre>java -jar target/sql-check.jar FILE...
 * java -jar target/sql-check.jar --dialect trino|hive &lt; statement</pre>
 *
 * Prints one line per statement, tab-separated:
 * {@code OK <file> <what the parser built>} or {@code ERROR <file> <parser error>}
 * (newlines in the error become spaces). For Hive, "what it built" is the root
 * token and a count of the tokens that show the statement's shape (columns,
 * partition specs, table properties), so a caller can check more than "it parsed".
 * Exit status 0 when every statement parsed, 1 when one did not, 2 for bad usage.
 */
public final class CheckSql {
  private CheckSql() {}

  /** Hive tokens worth counting: columns, partition specs and table properties. */
  private static final Map<Integer, String> COUNTED =
      Map.of(
          HiveParser.TOK_TABCOL, "columns",
          HiveParser.TOK_PARTSPEC, "partitions",
          HiveParser.TOK_TABLEPROPERTY, "properties");

  public static void main(String[] args) throws IOException {
    List<String[]> inputs = new ArrayList<>();
    if (args.length == 2 && args[0].equals("--dialect")) {
      inputs.add(new String[] {"<stdin>", args[1], new String(System.in.readAllBytes(), StandardCharsets.UTF_8)});
    } else if (args.length == 0 || args[0].startsWith("--")) {
      System.err.println("usage: sql-check FILE.trino.sql|FILE.hive.sql ... | --dialect trino|hive < statement");
      System.exit(2);
      return;
    } else {
      for (String arg : args) {
        String dialect = arg.endsWith(".trino.sql") ? "trino" : arg.endsWith(".hive.sql") ? "hive" : null;
        if (dialect == null) {
          System.err.println("sql-check: " + arg + ": name must end in .trino.sql or .hive.sql");
          System.exit(2);
          return;
        }
        inputs.add(new String[] {arg, dialect, Files.readString(Path.of(arg), StandardCharsets.UTF_8)});
      }
    }

    boolean allParsed = true;
    StringBuilder out = new StringBuilder();
    for (String[] input : inputs) {
      String name = input[0];
      try {
        String what = switch (input[1]) {
          case "trino" -> parseTrino(input[2]);
          case "hive" -> parseHive(input[2]);
          default -> throw new IllegalArgumentException("unknown dialect " + input[1]);
        };
        out.append("OK\t").append(name).append('\t').append(what).append('\n');
      } catch (ParsingException e) {
        allParsed = false;
        out.append("ERROR\t").append(name).append('\t').append(oneLine(e.getMessage())).append('\n');
      } catch (org.apache.hadoop.hive.ql.parse.ParseException e) {
        allParsed = false;
        out.append("ERROR\t").append(name).append('\t').append(oneLine(e.getMessage())).append('\n');
      }
    }
    System.out.print(out);
    System.out.flush();
    System.exit(allParsed ? 0 : 1);
  }

  private static String parseTrino(String sql) {
    Statement statement = new SqlParser().createStatement(sql);
    return statement.getClass().getSimpleName();
  }

  private static String parseHive(String sql) throws org.apache.hadoop.hive.ql.parse.ParseException {
    ASTNode root = new ParseDriver().parse(sql).getTree();
    ASTNode statement = root.getChildCount() > 0 ? (ASTNode) root.getChild(0) : root;
    Map<String, Integer> counts = new TreeMap<>();
    count(statement, counts);
    StringBuilder what = new StringBuilder(statement.getText());
    counts.forEach((k, v) -> what.append(' ').append(k).append('=').append(v));
    return what.toString();
  }

  private static void count(ASTNode node, Map<String, Integer> counts) {
    String label = COUNTED.get(node.getType());
    if (label != null) counts.merge(label, 1, Integer::sum);
    for (int i = 0; i < node.getChildCount(); i++) count((ASTNode) node.getChild(i), counts);
  }

  private static String oneLine(String message) {
    return message == null ? "parse error" : message.replaceAll("\\s+", " ").trim();
  }
}
