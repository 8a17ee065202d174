/**
 * The flat JSON messages of Spark's standalone REST submission protocol, as the Master's REST
 * server reads and writes them (deploy/rest/SubmitRestProtocol{Message,Request,Response}.scala).
 * Written from reading those sources; what the fake must get right:
 *
 * - Every message carries `action` = its class name. A request is read leniently (unknown keys are
 *   ignored, then echoed back as `unknownFields`); scalars are coerced into string fields as
 *   Jackson does, while an object or array in a string field is a mapping error.
 * - A request that cannot be read, or fails validation, is answered 400 "Malformed request: "
 *   followed by the exception and its stack. The validation exception wraps the cause, and only
 *   the wrapper is printed, so the answer says "Validation of message X failed!" and not which
 *   field: a client learns the field only from its own checks.
 * - Answers are Jackson's pretty printer: keys in alphabetical order, nulls left out, " : ".
 */

export class ProtocolError extends Error {
  constructor(readonly className: string, message: string) {
    super(message);
  }

  /** How the JVM prints a Throwable: its class, then its message. */
  override toString(): string {
    return `${this.className}: ${this.message}`;
  }
}

const REST = 'org.apache.spark.deploy.rest';
const missing = (message: string) => new ProtocolError(`${REST}.SubmitRestMissingFieldException`, message);
const invalid = (message: string) => new ProtocolError(`${REST}.SubmitRestProtocolException`, message);
const mapping = (message: string) => new ProtocolError('com.fasterxml.jackson.databind.exc.MismatchedInputException', message);

/** A few frames, as the real answer carries the server's stack after the exception. */
export function formatException(error: ProtocolError): string {
  const frames = [
    `${REST}.SubmitRestProtocolMessage.validate(SubmitRestProtocolMessage.scala:75)`,
    `${REST}.SubmitRequestServlet.doPost(RestSubmissionServer.scala:260)`,
    'javax.servlet.http.HttpServlet.service(HttpServlet.java:523)',
  ];
  return `${error.toString()}\n${frames.map((f) => `\tat ${f}`).join('\n')}`;
}

export interface CreateSubmissionRequest {
  action: string;
  clientSparkVersion: string;
  appResource: string;
  mainClass: string | null;
  appArgs: string[] | null;
  sparkProperties: Record<string, string>;
  environmentVariables: Record<string, string> | null;
}

/** The message classes the server can instantiate from `action`, and their fields. */
const KNOWN_FIELDS: Record<string, string[]> = {
  CreateSubmissionRequest: ['action', 'message', 'clientSparkVersion', 'appResource', 'mainClass', 'appArgs', 'sparkProperties', 'environmentVariables'],
  CreateSubmissionResponse: ['action', 'message', 'serverSparkVersion', 'success', 'unknownFields', 'submissionId'],
  KillSubmissionResponse: ['action', 'message', 'serverSparkVersion', 'success', 'unknownFields', 'submissionId'],
  SubmissionStatusResponse: ['action', 'message', 'serverSparkVersion', 'success', 'unknownFields', 'submissionId', 'driverState', 'workerId', 'workerHostPort'],
  ErrorResponse: ['action', 'message', 'serverSparkVersion', 'success', 'unknownFields', 'highestProtocolVersion'],
};

/** An action naming no message class: Class.forName throws, which no servlet catches (a 500). */
export class UnknownAction extends Error {}

function asString(value: unknown, field: string): string | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  throw mapping(`Cannot deserialize value of type \`java.lang.String\` from ${Array.isArray(value) ? 'Array' : 'Object'} value (token \`JsonToken.START_${Array.isArray(value) ? 'ARRAY' : 'OBJECT'}\`) (through reference chain: field "${field}")`);
}

function asStringArray(value: unknown, field: string): string[] | null {
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value)) throw mapping(`Cannot deserialize value of type \`java.lang.String[]\` from ${typeof value} value (through reference chain: field "${field}")`);
  return value.map((v, i) => asString(v, `${field}[${i}]`) ?? '');
}

function asStringMap(value: unknown, field: string): Record<string, string> | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object' || Array.isArray(value)) throw mapping(`Cannot deserialize value of type \`scala.collection.immutable.Map\` from ${Array.isArray(value) ? 'Array' : typeof value} value (through reference chain: field "${field}")`);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) out[k] = asString(v, `${field}.${k}`) ?? '';
  return out;
}

const MEMORY = /^\s*\d+\s*(b|k|kb|m|mb|g|gb|t|tb|p|pb)?\s*$/i;
const NUMERIC = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[dDfF]?\s*$|^\s*[+-]?(NaN|Infinity)\s*$/;

/**
 * Reads a body posted to /create. Returns the request and the keys the server does not know
 * (the `unknownFields` of the answer), or throws a ProtocolError (400), an UnknownAction (500),
 * or `{ unexpected }` for a valid message of another type (400 "Received message of unexpected type").
 */
export function readCreateRequest(body: string, requireArgsAndEnvironment: boolean): { request: CreateSubmissionRequest; unknownFields: string[] } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new ProtocolError('com.fasterxml.jackson.core.JsonParseException', `Unexpected character: ${(error as Error).message}`);
  }
  const json = typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? parsed as Record<string, unknown> : undefined;
  const action = json && typeof json.action === 'string' ? json.action : undefined;
  if (!json || action === undefined) throw missing(`Action field not found in JSON:\n${body}`);
  const fields = KNOWN_FIELDS[action];
  if (!fields) throw new UnknownAction(`java.lang.ClassNotFoundException: ${REST}.${action}`);
  if (action !== 'CreateSubmissionRequest') {
    // A response class read as a request: its own validation runs first (it lacks serverSparkVersion).
    if (typeof json.serverSparkVersion !== 'string') throw invalid(`Validation of message ${action} failed!`);
    throw new UnexpectedMessage(action);
  }
  const request: CreateSubmissionRequest = {
    action,
    clientSparkVersion: asString(json.clientSparkVersion, 'clientSparkVersion') as string,
    appResource: asString(json.appResource, 'appResource') as string,
    mainClass: asString(json.mainClass, 'mainClass'),
    appArgs: asStringArray(json.appArgs, 'appArgs'),
    sparkProperties: asStringMap(json.sparkProperties, 'sparkProperties') as Record<string, string>,
    environmentVariables: asStringMap(json.environmentVariables, 'environmentVariables'),
  };
  // CreateSubmissionRequest.doValidate, in its order; any failure is reported as the wrapper only.
  const failed = () => invalid('Validation of message CreateSubmissionRequest failed!');
  const props = request.sparkProperties;
  const fieldFails = request.clientSparkVersion === null
    || props === null
    || request.appResource === null
    || (requireArgsAndEnvironment && (request.appArgs === null || request.environmentVariables === null))
    || props['spark.app.name'] === undefined
    || (props['spark.driver.supervise'] !== undefined && !/^(true|false)$/i.test(props['spark.driver.supervise']))
    || ['spark.driver.cores', 'spark.cores.max'].some((k) => props[k] !== undefined && !NUMERIC.test(props[k]))
    || ['spark.driver.memory', 'spark.executor.memory'].some((k) => props[k] !== undefined && !MEMORY.test(props[k]));
  if (fieldFails) throw failed();
  if (request.mainClass === null) throw missing('Main class is missing.');
  const unknownFields = Object.keys(json).filter((k) => !fields.includes(k) && json[k] !== null);
  return { request, unknownFields };
}

export class UnexpectedMessage extends Error {
  constructor(readonly action: string) {
    super(`Received message of unexpected type ${action}.`);
  }
}

/** Megabytes of a memory string, as Utils.memoryStringToMb reads it (no unit: bytes). */
export function memoryMb(text: string): number {
  const match = /^\s*(\d+)\s*([a-z]*)\s*$/i.exec(text);
  if (!match) return 1024;
  const unit = match[2].toLowerCase().replace(/b$/, '') || 'b';
  const factor: Record<string, number> = { b: 1 / 1048576, k: 1 / 1024, m: 1, g: 1024, t: 1048576, p: 1073741824 };
  return Math.floor(Number(match[1]) * (factor[unit] ?? 1));
}

export type Message = Record<string, string | boolean | string[] | null | undefined>;

/** Jackson's INDENT_OUTPUT with alphabetic property order and NON_NULL inclusion. */
export function toJson(message: Message): string {
  const lines = Object.keys(message)
    .filter((k) => message[k] !== null && message[k] !== undefined)
    .sort()
    .map((k) => {
      const v = message[k];
      const text = Array.isArray(v) ? `[ ${v.map((s) => JSON.stringify(s)).join(', ')} ]` : JSON.stringify(v);
      return `  ${JSON.stringify(k)} : ${text}`;
    });
  return `{\n${lines.join(',\n')}\n}`;
}
