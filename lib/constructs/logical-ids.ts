/**
 * Keeps CloudFormation logical ids across a refactoring that moves resources
 * under a new construct. CloudFormation replaces a resource whose logical id
 * changes (a new bucket, table or workgroup, the old one deleted or, for a
 * named one, a failed update), so a construct split must not change them.
 */
import { CfnElement, Names, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/**
 * The logical id CDK allocates to an element at this stack-relative path
 * (`['AthenaAnalytics', 'Database']`): computed by CDK's own naming on a
 * detached construct tree, not by a copy of its hashing.
 */
export function logicalIdAt(path: readonly string[]): string {
  let node = new Construct(undefined as unknown as Construct, '');
  for (const id of path) node = new Construct(node, id);
  return Names.uniqueId(node);
}

/**
 * Gives every CloudFormation element under `moved` the logical id it had when
 * it sat directly under `formerParent`: the path below `moved` is put under
 * `formerParent`'s stack-relative path. A stack rename rather than an
 * override, so `Stack.getLogicalId` answers the kept id too. Call once, after
 * `moved` has all its resources.
 */
export function keepFormerLogicalIds(moved: Construct, formerParent: Construct): void {
  const stack = Stack.of(moved);
  const parentPath = formerParent.node.scopes.slice(formerParent.node.scopes.indexOf(stack) + 1).map((c) => c.node.id);
  const stackDepth = stack.node.scopes.length;
  const movedDepth = moved.node.scopes.length;
  for (const child of moved.node.findAll()) {
    if (!(child instanceof CfnElement) || Stack.of(child) !== stack) continue;
    const ids = child.node.scopes.map((c) => c.node.id);
    stack.renameLogicalId(logicalIdAt(ids.slice(stackDepth)), logicalIdAt([...parentPath, ...ids.slice(movedDepth)]));
  }
}
