// The evaluation core of @cloud-copilot/iam-simulate, loaded from an installed
// copy outside the repository (the package is AGPL: never a dependency of
// trustcheck). IAM_SIMULATE_DIR names the folder whose node_modules holds it.
// Shared by tools/difftest/driver.mjs and tools/perf/iam_simulate.mjs.
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const base = process.env.IAM_SIMULATE_DIR;
if (!base) {
  console.error('set IAM_SIMULATE_DIR to the folder where @cloud-copilot/iam-simulate is installed');
  process.exit(2);
}
const modules = path.join(path.resolve(base), 'node_modules', '@cloud-copilot');
const load = (rel) => import(pathToFileURL(path.join(modules, rel)).href);
const simulate = 'iam-simulate/dist/esm/';

export const { loadPolicy } = await load('iam-policy/dist/esm/index.js');
export const { authorize } = await load(simulate + 'core_engine/CoreSimulatorEngine.js');
export const { AwsRequestImpl } = await load(simulate + 'request/request.js');
export const { RequestContextImpl } = await load(simulate + 'requestContext.js');
export const { DiscoveryContextKeyConstraints } = await load(simulate + 'context_keys/discoveryContextKeyConstraints.js');
