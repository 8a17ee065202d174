/**
 * Flink's error bodies, as a JobManager writes them: `{"errors": [...]}` with the handler's
 * status. Recent versions put the whole stringified exception with its stack trace into the one
 * string, so a client has to find the message inside a long text; the fake writes the long form
 * (the stack frames are made up, their shape is Flink's) so that the adapter is tested on it.
 */
export class FlinkRestError extends Error {
  constructor(readonly status: number, readonly errors: string[]) {
    super(errors[0]);
  }
}

const frames = (handler: string) => [
  `\tat org.apache.flink.runtime.webmonitor.handlers.${handler}.handleRequest(${handler}.java:101)`,
  '\tat org.apache.flink.runtime.rest.handler.AbstractRestHandler.respondToRequest(AbstractRestHandler.java:83)',
  '\tat org.apache.flink.runtime.rest.handler.AbstractHandler.respondAsLeader(AbstractHandler.java:196)',
  '\tat org.apache.flink.shaded.netty4.io.netty.channel.AbstractChannelHandlerContext.invokeChannelRead(AbstractChannelHandlerContext.java:379)',
  '\tat java.base/java.lang.Thread.run(Thread.java:840)',
].join('\n');

/** A handler's RestHandlerException in the long form: class, message, stack. */
export function handlerError(status: number, message: string, handler = 'AbstractRestHandler'): FlinkRestError {
  return new FlinkRestError(status, [`org.apache.flink.runtime.rest.handler.RestHandlerException: ${message}\n${frames(handler)}`]);
}

/** What an unexpected exception becomes: a fixed first line, the server-side trace in the second. */
export function internalError(cause: string): FlinkRestError {
  return new FlinkRestError(500, [
    'Internal server error.',
    `<Exception on server side:\n${cause}\n${frames('AbstractRestHandler')}\n\nEnd of exception on server side>`,
  ]);
}

export const notFoundRoute = (uri: string) => new FlinkRestError(404, [`Not found: ${uri}`]);

export const jobNotFound = (jobId: string) =>
  handlerError(404, `Job ${jobId} not found`, 'job.AbstractExecutionGraphHandler');

/** The strict request mapper's answer to an unknown field, a wrong type or a malformed body. */
export const badRequestBody = (bodyType: string) =>
  handlerError(400, `Request did not match expected format ${bodyType}.`, 'AbstractHandler');
