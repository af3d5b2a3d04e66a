// Validates a JSON document against a JSON schema with ajv (Debian's
// node-ajv), draft-04 and draft-07 schemas alike.
//   node tests/formats/validate.js SCHEMA.json DOCUMENT.json
// Exit 0 when valid; 1 with every error on stderr otherwise.
'use strict';
const fs = require('fs');
const Ajv = require('ajv');

const [schemaPath, documentPath] = process.argv.slice(2);
const schema = JSON.parse(fs.readFileSync(schemaPath, 'utf8'));
const document = JSON.parse(fs.readFileSync(documentPath, 'utf8'));
const draft04 = String(schema.$schema || '').includes('draft-04');
const options = {allErrors: true, format: 'full', logger: false};
const ajv = new Ajv(draft04 ? {...options, schemaId: 'id'} : options);
if (draft04) ajv.addMetaSchema(require('ajv/lib/refs/json-schema-draft-04.json'));
if (ajv.validate(schema, document)) process.exit(0);
for (const e of ajv.errors) console.error(`${documentPath}: ${e.dataPath || '/'} ${e.message}`);
process.exit(1);
