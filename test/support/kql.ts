import "@kusto/language-service-next/bridge.min.js";
import "@kusto/language-service-next/Kusto.Language.Bridge.min.js";

/**
 * A small evaluator for the KQL the alert rules run, over in-memory rows: it walks the syntax tree that
 * Microsoft's Kusto parser (Kusto.Language) builds from the query text itself, so a test exercises the
 * query as written rather than a copy of its logic. It knows the operators and functions the queries in
 * infra/alerts/ use and throws on anything else, so a query that outgrows it fails loudly.
 *
 * Values: datetimes and timespans are numbers of milliseconds (so `(now() - t) / 1h` is a number of
 * hours); `dynamic` is a plain object or array; a missing value is null. `has` is a case-insensitive
 * substring test (KQL matches whole terms, which the queries' literals are).
 */

/** The Bridge.NET build of Kusto.Language puts its API on a global. */
const Kusto = (globalThis as unknown as { Kusto: any }).Kusto.Language;

type Node = any;
export type KqlValue = string | number | boolean | null | KqlValue[] | { [key: string]: KqlValue };
export type KqlRow = Record<string, KqlValue>;

export interface KqlContext {
  /** Tables by name, e.g. `requests`, `customEvents`. */
  readonly tables: Readonly<Record<string, readonly KqlRow[]>>;
  /** The evaluation time (`now()`), in milliseconds since the epoch. */
  readonly now: number;
}

const TIMESPAN_UNITS: Record<string, number> = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1000, ms: 1 };

const kindOf = (node: Node): string => String(node.constructor.$$name).replace("Kusto.Language.Syntax.", "");

function children(list: Node): Node[] {
  const items: Node[] = [];
  for (let i = 0; i < (list?.ChildCount ?? 0); i += 1) {
    const child = list.GetChild(i);
    if (child === null || child === undefined) continue;
    // Separated lists hold SeparatedElement(element, separator).
    items.push(kindOf(child).startsWith("SeparatedElement") ? child.GetChild(0) : child);
  }
  return items;
}

function literal(token: Node): KqlValue {
  const text = String(token.Text).trim();
  if (/^".*"$|^'.*'$/s.test(text)) return text.slice(1, -1).replace(/\\(.)/g, "$1");
  if (text === "true" || text === "false") return text === "true";
  const span = /^(\d+(?:\.\d+)?)(d|h|ms|m|s)$/.exec(text);
  if (span) return Number(span[1]) * TIMESPAN_UNITS[span[2]!]!;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  throw new Error(`KQL literal not handled: ${text}`);
}

const isNull = (value: KqlValue | undefined): value is null | undefined =>
  value === null || value === undefined;

/** KQL `tostring`: "" for null, JSON for dynamic values. */
function text(value: KqlValue | undefined): string {
  if (isNull(value)) return "";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** `has` / `contains` as a substring test (KQL's `has` matches whole terms; the queries' literals are). */
function includes(left: KqlValue, right: KqlValue, caseSensitive: boolean): boolean {
  if (isNull(left) || isNull(right)) return false;
  return caseSensitive
    ? text(left).includes(text(right))
    : text(left).toLowerCase().includes(text(right).toLowerCase());
}

function compare(op: string, left: KqlValue, right: KqlValue): KqlValue {
  if (isNull(left) || isNull(right)) return null;
  switch (op) {
    case "==":
      return left === right;
    case "!=":
      return left !== right;
    case "<":
      return (left as number) < (right as number);
    case "<=":
      return (left as number) <= (right as number);
    case ">":
      return (left as number) > (right as number);
    case ">=":
      return (left as number) >= (right as number);
    default:
      throw new Error(`KQL comparison not handled: ${op}`);
  }
}

function arithmetic(op: string, left: KqlValue, right: KqlValue): KqlValue {
  if (isNull(left) || isNull(right)) return null;
  const [a, b] = [left as number, right as number];
  switch (op) {
    case "+":
      return a + b;
    case "-":
      return a - b;
    case "*":
      return a * b;
    case "/":
      return b === 0 ? null : a / b;
    default:
      throw new Error(`KQL operator not handled: ${op}`);
  }
}

function parseUrl(url: KqlValue): KqlValue {
  try {
    const parsed = new URL(text(url));
    return { Scheme: parsed.protocol.replace(":", ""), Host: parsed.hostname, Path: parsed.pathname };
  } catch {
    return {};
  }
}

const AGGREGATES = new Set(["count", "countif", "max", "maxif", "min", "sum", "sumif"]);

class Evaluator {
  private readonly lets = new Map<string, KqlValue | KqlRow[]>();

  constructor(private readonly context: KqlContext) {}

  run(text: string): KqlRow[] {
    const code = Kusto.KustoCode.Parse(text);
    const diagnostics = code.GetDiagnostics();
    if (diagnostics.Count > 0)
      throw new Error(`KQL does not parse: ${String(diagnostics.getItem(0).Message)}`);
    let result: KqlRow[] | undefined;
    for (const statement of children(code.Syntax.Statements)) {
      if (kindOf(statement) === "LetStatement") {
        const expression = statement.Expression;
        const name = String(statement.Name.SimpleName);
        this.lets.set(
          name,
          this.isTabular(expression) ? this.table(expression) : this.scalar(expression, {}),
        );
      } else if (kindOf(statement) === "ExpressionStatement") {
        result = this.table(statement.Expression);
      } else throw new Error(`KQL statement not handled: ${kindOf(statement)}`);
    }
    if (result === undefined) throw new Error("KQL query has no tabular statement");
    return result;
  }

  private isTabular(expression: Node): boolean {
    const kind = kindOf(expression);
    return kind === "PipeExpression" || (kind === "NameReference" && this.isTable(expression));
  }

  private isTable(reference: Node): boolean {
    return String(reference.SimpleName) in this.context.tables;
  }

  private table(expression: Node): KqlRow[] {
    const kind = kindOf(expression);
    if (kind === "NameReference") {
      const name = String(expression.SimpleName);
      const rows = this.context.tables[name] ?? this.lets.get(name);
      if (!Array.isArray(rows)) throw new Error(`KQL table not given: ${name}`);
      return (rows as KqlRow[]).map((row) => ({ ...row }));
    }
    if (kind === "PrintOperator") return [this.namedValues(expression.Expressions, {})];
    if (kind !== "PipeExpression") throw new Error(`KQL tabular expression not handled: ${kind}`);
    const input = this.table(expression.Expression);
    return this.operator(expression.Operator, input);
  }

  /** `project`: columns by name, or computed as `name = expression`. */
  private project(list: Node, row: KqlRow): KqlRow {
    const projected: KqlRow = {};
    for (const item of children(list)) {
      if (kindOf(item) === "NameReference") {
        projected[String(item.SimpleName)] = row[String(item.SimpleName)] ?? null;
      } else if (kindOf(item) === "SimpleNamedExpression") {
        projected[String(item.Name.SimpleName)] = this.scalar(item.Expression, row);
      } else throw new Error("KQL: project names or name = expression only");
    }
    return projected;
  }

  private namedValues(list: Node, row: KqlRow): KqlRow {
    const values: KqlRow = {};
    for (const item of children(list)) {
      if (kindOf(item) !== "SimpleNamedExpression") throw new Error("KQL: name every computed column");
      values[String(item.Name.SimpleName)] = this.scalar(item.Expression, { ...row, ...values });
    }
    return values;
  }

  private operator(operator: Node, rows: KqlRow[]): KqlRow[] {
    switch (kindOf(operator)) {
      case "FilterOperator":
        return rows.filter((row) => this.scalar(operator.Condition, row) === true);
      case "ExtendOperator":
        return rows.map((row) => ({ ...row, ...this.namedValues(operator.Expressions, row) }));
      case "SummarizeOperator":
        return this.summarize(operator, rows);
      case "ProjectOperator":
        return rows.map((row) => this.project(operator.Expressions, row));
      case "TakeOperator":
        return rows.slice(0, Number(this.scalar(operator.Expression, {})));
      default:
        throw new Error(`KQL operator not handled: ${kindOf(operator)}`);
    }
  }

  private summarize(operator: Node, rows: KqlRow[]): KqlRow[] {
    const keys = children(operator.ByClause?.Expressions).map((key) => {
      if (kindOf(key) !== "NameReference") throw new Error("KQL: summarize by column names only");
      return String(key.SimpleName);
    });
    const groups = new Map<string, KqlRow[]>();
    for (const row of rows) {
      const id = JSON.stringify(keys.map((key) => row[key] ?? null));
      groups.set(id, [...(groups.get(id) ?? []), row]);
    }
    // Without `by`, summarize yields one row even over no input (count() = 0, max() = null).
    if (keys.length === 0 && groups.size === 0) groups.set("[]", []);
    return [...groups.entries()].map(([id, members]) => {
      const result: KqlRow = {};
      (JSON.parse(id) as KqlValue[]).forEach((value, i) => (result[keys[i]!] = value));
      children(operator.Aggregates).forEach((aggregate, i) => {
        const named = kindOf(aggregate) === "SimpleNamedExpression";
        const call = named ? aggregate.Expression : aggregate;
        const name = named
          ? String(aggregate.Name.SimpleName)
          : `${String(call.Name.SimpleName)}_${String(i)}`;
        result[name] = this.aggregate(call, members);
      });
      return result;
    });
  }

  private aggregate(call: Node, rows: KqlRow[]): KqlValue {
    if (kindOf(call) !== "FunctionCallExpression") throw new Error("KQL: aggregates are function calls");
    const name = String(call.Name.SimpleName);
    const args = children(call.ArgumentList.Expressions);
    const values = (index: number) => rows.map((row) => this.scalar(args[index], row));
    const where = (index: number) => rows.map((row) => this.scalar(args[index], row) === true);
    const present = (list: KqlValue[]) => list.filter((value) => !isNull(value)) as number[];
    switch (name) {
      case "count":
        return rows.length;
      case "countif":
        return where(0).filter(Boolean).length;
      case "max":
      case "min": {
        const list = present(values(0));
        if (list.length === 0) return null;
        return name === "max" ? Math.max(...list) : Math.min(...list);
      }
      case "maxif": {
        const keep = where(1);
        const list = present(values(0).filter((_, i) => keep[i]));
        return list.length === 0 ? null : Math.max(...list);
      }
      case "sum":
        return present(values(0)).reduce((a, b) => a + b, 0);
      case "sumif": {
        const keep = where(1);
        return present(values(0).filter((_, i) => keep[i])).reduce((a, b) => a + b, 0);
      }
      default:
        throw new Error(`KQL aggregate not handled: ${name}`);
    }
  }

  private scalar(expression: Node, row: KqlRow): KqlValue {
    switch (kindOf(expression)) {
      case "LiteralExpression":
        return literal(expression.Token);
      case "NameReference": {
        const name = String(expression.SimpleName);
        if (name in row) return row[name] ?? null;
        if (this.lets.has(name)) return this.lets.get(name) as KqlValue;
        throw new Error(`KQL name not known: ${name}`);
      }
      case "ParenthesizedExpression":
        return this.scalar(expression.Expression, row);
      case "PathExpression": {
        const target = this.scalar(expression.Expression, row);
        const key = String(expression.Selector.SimpleName);
        return target !== null && typeof target === "object" && !Array.isArray(target)
          ? (target[key] ?? null)
          : null;
      }
      case "ElementExpression": {
        const target = this.scalar(expression.Expression, row);
        const index = this.scalar(expression.Selector.Expression, row);
        return Array.isArray(target) && typeof index === "number" ? (target[index] ?? null) : null;
      }
      case "BinaryExpression":
        return this.binary(expression, row);
      case "InExpression": {
        const left = this.scalar(expression.Left, row);
        const list = children(expression.Right.Expressions).map((item) => this.scalar(item, row));
        const found = list.includes(left);
        return String(expression.Operator.Text).trim() === "!in" ? !found : found;
      }
      case "FunctionCallExpression":
        return this.call(expression, row);
      case "ToScalarExpression": {
        const rows = this.table(expression.Expression);
        const first = rows[0];
        return first === undefined ? null : (Object.values(first)[0] ?? null);
      }
      default:
        throw new Error(`KQL expression not handled: ${kindOf(expression)}`);
    }
  }

  private binary(expression: Node, row: KqlRow): KqlValue {
    const op = String(expression.Operator.Text).trim();
    const left = this.scalar(expression.Left, row);
    if (op === "and" && left === false) return false;
    if (op === "or" && left === true) return true;
    const right = this.scalar(expression.Right, row);
    switch (op) {
      case "and":
        return left === true && right === true;
      case "or":
        return left === true || right === true;
      case "has":
      case "contains":
        return includes(left, right, false);
      case "!has":
      case "!contains":
        return !includes(left, right, false);
      case "has_cs":
      case "contains_cs":
        return includes(left, right, true);
      case "startswith":
        return text(left).toLowerCase().startsWith(text(right).toLowerCase());
      case "endswith":
        return text(left).toLowerCase().endsWith(text(right).toLowerCase());
      case "=~":
        return text(left).toLowerCase() === text(right).toLowerCase();
      case "!~":
        return text(left).toLowerCase() !== text(right).toLowerCase();
      case "==":
      case "!=":
      case "<":
      case "<=":
      case ">":
      case ">=":
        return compare(op, left, right);
      default:
        return arithmetic(op, left, right);
    }
  }

  private call(expression: Node, row: KqlRow): KqlValue {
    const name = String(expression.Name.SimpleName);
    if (AGGREGATES.has(name)) throw new Error(`KQL aggregate outside summarize: ${name}`);
    const args = children(expression.ArgumentList.Expressions).map((arg) => this.scalar(arg, row));
    const [a, b, c] = args;
    switch (name) {
      case "tostring":
        return text(a);
      case "toint": {
        const parsed = Number.parseInt(text(a), 10);
        return isNull(a) || Number.isNaN(parsed) ? null : parsed;
      }
      case "split":
        return isNull(a) ? null : text(a).split(text(b));
      case "parse_url":
        return parseUrl(a ?? null);
      case "isnotempty":
        return !isNull(a) && a !== "";
      case "isempty":
        return isNull(a) || a === "";
      case "isnull":
        return isNull(a);
      case "not":
        return isNull(a) ? null : a !== true;
      case "iff":
      case "iif":
        return a === true ? (b ?? null) : (c ?? null);
      case "round": {
        if (isNull(a)) return null;
        const scale = 10 ** Number(b ?? 0);
        return Math.round((a as number) * scale) / scale;
      }
      case "tolower":
        return text(a).toLowerCase();
      case "toupper":
        return text(a).toUpperCase();
      case "strcat":
        return args.map(text).join("");
      case "strlen":
        return text(a).length;
      case "coalesce":
        return args.find((arg) => !isNull(arg) && arg !== "") ?? null;
      case "todouble":
      case "toreal": {
        const parsed = Number.parseFloat(text(a));
        return isNull(a) || Number.isNaN(parsed) ? null : parsed;
      }
      case "tobool":
        return isNull(a) ? null : text(a).toLowerCase() === "true";
      case "now":
        return this.context.now;
      case "ago":
        return this.context.now - (a as number);
      default:
        throw new Error(`KQL function not handled: ${name}`);
    }
  }
}

/** Runs a query over the given tables and returns its result rows. */
export function runKql(query: string, context: KqlContext): KqlRow[] {
  return new Evaluator(context).run(query);
}
