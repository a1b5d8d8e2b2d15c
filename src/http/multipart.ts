import { Busboy } from '@fastify/busboy';
import { errors } from '../core/errors.js';
import { addParam, type Params } from './params.js';

/**
 * Reads a `multipart/form-data` body into the same parameters a form body gives. twilio-node 3.0 to 3.3
 * sent every POST this way (its `request` library's `formData`); Twilio's API accepted it, so we do too.
 * Only plain fields carry parameters: a file part has no meaning in Twilio's API and makes the body
 * malformed. The body arrives whole (Fastify has applied the body limit), so the limits here only bound
 * the number of parts.
 */
export function parseMultipart(body: Buffer, contentType: string): Promise<Params> {
  return new Promise((resolve, reject) => {
    const out: Params = {};
    let failed = false;
    const fail = () => {
      if (!failed) {
        failed = true;
        reject(errors.malformedBody());
      }
    };
    let parser: InstanceType<typeof Busboy>;
    try {
      parser = new Busboy({
        headers: { 'content-type': contentType },
        limits: { fieldNameSize: 256, fieldSize: body.length, fields: 10_000, files: 0, parts: 10_000 },
      });
    } catch {
      return fail(); // no boundary, or not multipart at all
    }
    parser.on('field', (name: string, value: string) => addParam(out, name, value));
    parser.on('file', (_name: string, stream: NodeJS.ReadableStream) => {
      stream.resume();
      fail();
    });
    parser.on('filesLimit', fail);
    parser.on('partsLimit', fail);
    parser.on('fieldsLimit', fail);
    parser.on('error', fail);
    parser.on('finish', () => {
      if (!failed) resolve(out);
    });
    parser.end(body);
  });
}
