/**
 * A small IAM policy evaluator for one identity-based policy: enough of the IAM evaluation logic (explicit deny wins,
 * then any allow, else implicit deny; Action/Resource wildcards; the condition operators the operator's policy uses;
 * ${...} policy variables) to check that each request the rds engine makes is allowed. An operator it does not know
 * makes it throw, so a new kind of condition in the policy cannot pass unchecked.
 */

export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  Action?: string | string[];
  NotAction?: unknown;
  Resource?: string | string[];
  NotResource?: unknown;
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: string;
  Statement: PolicyStatement[];
}

/** One authorization: an action on one resource with the request's condition keys. */
export interface AuthorizationRequest {
  action: string;
  resource: string;
  /** Condition keys: aws:RequestTag/..., aws:ResourceTag/..., aws:TagKeys, rds:..., kms:ViaService. */
  context: Record<string, string | string[]>;
  /**
   * Values of ${aws:PrincipalTag/...} and other policy variables, including ${Region} and ${Account}, which Terraform
   * (infra-terraform/pod-identity.tf) replaces before it attaches the policy.
   */
  variables: Record<string, string>;
}

export type Decision = { allowed: true; by: string } | { allowed: false; why: string };

export function authorize(policy: PolicyDocument, request: AuthorizationRequest): Decision {
  const matching = policy.Statement.filter((statement) => matches(statement, request));
  const deny = matching.find((s) => s.Effect === 'Deny');
  if (deny) return { allowed: false, why: `explicitly denied by ${deny.Sid ?? 'a statement'}` };
  const allow = matching.find((s) => s.Effect === 'Allow');
  if (allow) return { allowed: true, by: allow.Sid ?? 'a statement' };
  return { allowed: false, why: `no statement allows ${request.action} on ${request.resource}` };
}

function matches(statement: PolicyStatement, request: AuthorizationRequest): boolean {
  if (statement.NotAction !== undefined || statement.NotResource !== undefined) {
    throw new Error(`${statement.Sid ?? 'a statement'}: NotAction/NotResource are not supported by this evaluator`);
  }
  const actions = list(statement.Action);
  const resources = list(statement.Resource);
  if (!actions.some((pattern) => like(pattern, request.action, true))) return false;
  if (!resources.some((pattern) => like(substitute(pattern, request.variables), request.resource, false))) return false;
  return Object.entries(statement.Condition ?? {}).every(([operator, keys]) =>
    Object.entries(keys).every(([key, values]) => condition(operator, key, list(values), request)),
  );
}

function condition(operator: string, key: string, rawValues: string[], request: AuthorizationRequest): boolean {
  const values = rawValues.map((v) => substitute(v, request.variables));
  const present = Object.hasOwn(request.context, key);
  const actual = list(request.context[key]);
  switch (operator) {
    case 'StringEquals':
      return present && actual.some((a) => values.includes(a));
    case 'StringEqualsIfExists':
      return !present || actual.some((a) => values.includes(a));
    // Negated: a key that is absent matches (AWS's rule); statements guard with Null where that matters.
    case 'StringNotEquals':
      return !present || actual.every((a) => !values.includes(a));
    case 'NumericGreaterThan':
      return present && actual.some((a) => values.some((v) => Number(a) > Number(v)));
    case 'StringLike':
      return present && actual.some((a) => values.some((v) => like(v, a, false)));
    case 'ForAllValues:StringLike':
      return actual.every((a) => values.some((v) => like(v, a, false)));
    case 'ForAllValues:StringEquals':
      return actual.every((a) => values.includes(a));
    case 'ForAnyValue:StringEquals':
      return actual.some((a) => values.includes(a));
    case 'Null':
      return values.every((v) => (v === 'true' ? !present : present));
    case 'Bool':
      return present && actual.some((a) => values.includes(a));
    default:
      throw new Error(`condition operator ${operator} is not supported by this evaluator`);
  }
}

function substitute(value: string, variables: Record<string, string>): string {
  return value.replace(/\$\{([^}]+)\}/g, (_match, name: string) => {
    const replacement = variables[name];
    if (replacement === undefined) throw new Error(`policy variable \${${name}} has no value in the request`);
    return replacement;
  });
}

/** IAM wildcard match: * any run, ? one character; actions compare case-insensitively. */
function like(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${source}$`, ignoreCase ? 'i' : '').test(value);
}

function list(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}
