import { handlerError } from './errors.js';

export interface UploadedFile { fileName: string; size: number }

/**
 * The JAR upload rules of Flink's FileUploadHandler and JarUploadHandler: a multipart body with
 * exactly one file part (its field name is not checked), a non-file attribute only if it is
 * named `request`, and a file name ending in `.jar`.
 */
export function readJarUpload(contentType: string | undefined, body: Buffer): UploadedFile {
  const boundary = /^multipart\/form-data;.*boundary="?([^";]+)"?/i.exec(contentType ?? '')?.[1];
  const files: UploadedFile[] = [];
  if (boundary) {
    const delimiter = Buffer.from(`--${boundary}`);
    let start = body.indexOf(delimiter);
    while (start !== -1) {
      const partStart = start + delimiter.length;
      if (body.subarray(partStart, partStart + 2).toString() === '--') break;
      const next = body.indexOf(delimiter, partStart);
      if (next === -1) break;
      const part = body.subarray(partStart + 2, next - 2); // past CRLF, before CRLF
      const headerEnd = part.indexOf('\r\n\r\n');
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const disposition = /content-disposition:([^\r\n]*)/i.exec(headers)?.[1] ?? '';
      const name = /\bname="([^"]*)"/.exec(disposition)?.[1] ?? '';
      const fileName = /\bfilename="([^"]*)"/.exec(disposition)?.[1];
      if (fileName !== undefined) files.push({ fileName, size: part.length - headerEnd - 4 });
      else if (name !== 'request') throw handlerError(400, `Received unknown attribute ${name}.`, 'FileUploadHandler');
      start = next;
    }
  }
  if (files.length !== 1) throw handlerError(400, `Exactly 1 file must be sent, received ${files.length}.`, 'JarUploadHandler');
  if (!files[0].fileName.endsWith('.jar')) throw handlerError(400, 'Only Jar files are allowed.', 'JarUploadHandler');
  return files[0];
}
