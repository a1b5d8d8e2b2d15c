// Whether a program a test drives is usable, by the same probe scripts/ensure.mjs installs by: a test that
// skips on it says why, and CI (.ci/run) fails on any skip, so a missing tool is never a quiet pass.
export { TEST_TOOLS, toolMissing } from '../../scripts/test-tools.mjs';
