// Internal: Azure deployment templates, Bicep and ARM JSON, read for the
// federated identity credentials they declare.
//
// Azure repositories keep federated identity credentials in Bicep
// (`Microsoft.ManagedIdentity/userAssignedIdentities/federatedIdentityCredentials`,
// often a child resource with `parent:`; `Microsoft.Graph/applications/
// federatedIdentityCredentials` through the Microsoft Graph Bicep extension)
// and in the ARM JSON templates Bicep compiles to. Both are read the same
// way: their expressions are evaluated into hcl::Value (known where their
// inputs are known: parameter defaults, `.bicepparam` values, variables,
// string interpolation, `format`/`concat`/`toLower`/..., Bicep's
// `loadTextContent`/`loadJsonContent` and `module` calls; unknown with a
// reason otherwise: `uniqueString`, `resourceId`, a parameter without a
// default), `if` conditions and `for` loops (ARM `condition` and `copy`)
// expand the resources, and each credential is lowered by the Entra lowering
// (entra_credential.h) with its identity or application as the access unit.
//
// Bicep has no parser in a Debian package (its compiler is a .NET tool), so
// this file carries a parser for the subset real files use: `param`, `var`,
// `resource` (nested, `existing`, `if`, `[for ...]`), `module` (followed
// into local files), `output`, decorators, `extension`/`import`, `targetScope`, `metadata`, `type` and
// `func` declarations (the last ones are skipped), and expressions
// (literals, interpolated and multi-line strings, arrays and objects,
// member access, indexing, calls, unary, binary, ternary and `??`
// operators). Locations point at the Bicep or JSON source.

#ifndef TRUSTCHECK_SRC_FORMATS_AZURE_TEMPLATE_H_
#define TRUSTCHECK_SRC_FORMATS_AZURE_TEMPLATE_H_

#include "formats/format.h"

namespace trustcheck::azure {

// ARM JSON: an object with a `$schema` naming a deployment template (or
// `contentVersion` and `resources`).
bool LooksLikeArmTemplate(const Json::Value& root);
Status LoadArmTemplate(const InputFile& in, LoadedFile* out);

// Bicep source (`.bicep`); a `.bicepparam` file beside it with `using` the
// file supplies parameter values.
Status LoadBicep(const InputFile& in, LoadedFile* out);

// A `.bicepparam` file: the deployment of the Bicep template it is `using`,
// with its parameter values; its credentials name the file.
Status LoadBicepParams(const InputFile& in, LoadedFile* out);

}  // namespace trustcheck::azure

#endif  // TRUSTCHECK_SRC_FORMATS_AZURE_TEMPLATE_H_
