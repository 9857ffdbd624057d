/** One module of an uploaded Worker, as Miniflare takes it. */
export interface UploadedModule {
  readonly type: 'ESModule' | 'Text' | 'Data';
  readonly path: string;
  readonly contents: string | Uint8Array;
}

/** A user Worker as uploaded to the dispatch namespace: its modules and the bindings of its metadata. */
export interface UploadedScript {
  readonly mainModule: string;
  /** The main module first. */
  readonly modules: readonly UploadedModule[];
  /** D1 bindings: binding name → D1 database id. */
  readonly d1Databases: Readonly<Record<string, string>>;
  /** `plain_text` bindings: name → text. */
  readonly vars: Readonly<Record<string, string>>;
  readonly compatibilityDate: string | undefined;
  readonly compatibilityFlags: readonly string[];
}

const MODULE_TYPES: Record<string, UploadedModule['type']> = {
  'application/javascript+module': 'ESModule',
  'text/javascript+module': 'ESModule',
  'text/plain': 'Text',
  'application/octet-stream': 'Data',
};

/**
 * Reads a Workers script upload (`multipart/form-data`, as documented for the Script Upload
 * API and user Workers): the `metadata` part (JSON with `main_module`, `bindings`,
 * `compatibility_date`, `compatibility_flags`) and one part per module, typed by its content
 * type (`application/javascript+module` for an ES module). Of the binding types, the local API
 * runs `d1` (`{ type, name, id }`) and `plain_text` (`{ type, name, text }`); anything else is
 * refused. Answers the script, or what is wrong with the upload.
 */
export async function parseScriptUpload(contentType: string | undefined, body: Buffer): Promise<UploadedScript | string> {
  if (!contentType?.startsWith('multipart/form-data')) return 'a script upload is multipart/form-data';
  let form: FormData;
  try {
    form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  } catch {
    return 'the multipart body could not be read';
  }
  const metadataPart = form.get('metadata');
  if (metadataPart === null) return 'the upload has no metadata part';
  let metadata: Record<string, unknown>;
  try {
    metadata = JSON.parse(typeof metadataPart === 'string' ? metadataPart : await metadataPart.text()) as Record<string, unknown>;
  } catch {
    return 'metadata is not JSON';
  }
  const mainModule = metadata.main_module;
  if (typeof mainModule !== 'string' || mainModule === '') return 'metadata.main_module is required';
  const modules: UploadedModule[] = [];
  for (const [name, part] of form.entries()) {
    if (name === 'metadata') continue;
    if (typeof part === 'string') return `part ${name} is not a file`;
    const type = MODULE_TYPES[part.type.split(';')[0]!.trim()];
    if (!type) return `part ${name} has a content type the local API does not run: ${part.type || '(none)'}`;
    const contents = type === 'Data' ? new Uint8Array(await part.arrayBuffer()) : await part.text();
    modules.push({ type, path: name, contents });
  }
  const main = modules.find((module) => module.path === mainModule);
  if (!main || main.type !== 'ESModule') return `main_module ${mainModule} is not an ES module part of the upload`;
  const d1Databases: Record<string, string> = {};
  const vars: Record<string, string> = {};
  const bindings = metadata.bindings ?? [];
  if (!Array.isArray(bindings)) return 'metadata.bindings must be an array';
  for (const binding of bindings as Record<string, unknown>[]) {
    const { type, name } = binding ?? {};
    if (typeof name !== 'string' || !/^[A-Za-z_$][\w$]*$/.test(name)) return 'every binding needs a name that is an identifier';
    if (name in d1Databases || name in vars) return `binding ${name} is declared twice`;
    if (type === 'd1' && typeof binding.id === 'string' && binding.id !== '') d1Databases[name] = binding.id;
    else if (type === 'plain_text' && typeof binding.text === 'string') vars[name] = binding.text;
    else return `binding ${name}: the local API runs d1 ({ type, name, id }) and plain_text ({ type, name, text }) bindings`;
  }
  const flags = metadata.compatibility_flags ?? [];
  if (!Array.isArray(flags) || flags.some((flag) => typeof flag !== 'string'))
    return 'metadata.compatibility_flags must be an array of strings';
  const date = metadata.compatibility_date;
  if (date !== undefined && (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date)))
    return 'metadata.compatibility_date must be YYYY-MM-DD';
  return {
    mainModule,
    modules: [main, ...modules.filter((module) => module !== main)],
    d1Databases,
    vars,
    compatibilityDate: date,
    compatibilityFlags: flags as string[],
  };
}
