import { BadRequestException } from '@nestjs/common';
import { BodyValidation, type BodySchema, type FieldError } from '../common/validation.js';
import type { DeployInput } from '../engine-host/engine-host.js';

/** The JSON form of a deployment. */
export const JSON_BODY = new BodyValidation({
  name: { type: 'string', required: true, minLength: 1, maxLength: 256 },
  resources: {
    type: 'array',
    required: true,
    minItems: 1,
    items: {
      name: { type: 'string', required: true, minLength: 1, maxLength: 256 },
      content: { type: 'string', required: true, minLength: 1 },
    },
  },
});

/** A file as multer hands it over (memory storage). */
export interface UploadedResource {
  fieldname: string;
  originalname: string;
  buffer: Buffer;
}

function refuse(errors: FieldError[]): BadRequestException {
  return new BadRequestException({
    statusCode: 400,
    message: errors.map((e) => e.message).join('; '),
    errors,
  });
}

/** The text fields of the multipart form (the files are the resources). */
export const MULTIPART_FIELDS: BodySchema = {
  name: { type: 'string', required: true, minLength: 1, maxLength: 256 },
};

const UTF8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A multipart deployment: text field `name`, every file a resource named by its file name, its
 * bytes UTF-8 text (a BOM is dropped). Field errors name the field or the file.
 */
function fromMultipart(body: unknown, files: UploadedResource[]): DeployInput {
  const fields = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const errors: FieldError[] = [];
  for (const key of Object.keys(fields))
    if (key !== 'name')
      errors.push({
        field: key,
        code: 'invalid-body',
        message: `${key} is not allowed (send the text field 'name' and the resources as files)`,
      });
  const name = fields.name;
  if (typeof name !== 'string' || name.length === 0 || name.length > 256)
    errors.push({
      field: 'name',
      code: 'invalid-body',
      message: 'name is required once, 1 to 256 characters',
    });
  if (files.length === 0)
    errors.push({
      field: 'files',
      code: 'invalid-body',
      message: 'a deployment needs at least one file',
    });
  const resources: DeployInput['resources'] = [];
  files.forEach((f, i) => {
    const field = `files[${i}]`;
    if (f.originalname.length === 0 || f.originalname.length > 256)
      errors.push({
        field,
        code: 'invalid-body',
        message: `${field}: the file name must be 1 to 256 characters`,
      });
    else if (f.buffer.length === 0)
      errors.push({
        field,
        code: 'invalid-body',
        message: `${field}: '${f.originalname}' is empty`,
      });
    else {
      try {
        resources.push({ name: f.originalname, content: UTF8.decode(f.buffer) });
      } catch {
        errors.push({
          field,
          code: 'invalid-body',
          message: `${field}: '${f.originalname}' is not UTF-8 text`,
        });
      }
    }
  });
  if (errors.length > 0) throw refuse(errors);
  return { name: name as string, resources };
}

/** The deployment a request carries: JSON `{name, resources:[{name, content}]}` or multipart. */
export function deployInputOf(body: unknown, files: UploadedResource[] | undefined): DeployInput {
  if (files !== undefined) return fromMultipart(body, files);
  const valid = JSON_BODY.transform(body) as DeployInput;
  return {
    name: valid.name,
    resources: valid.resources.map((r) => ({ name: r.name, content: r.content })),
  };
}
