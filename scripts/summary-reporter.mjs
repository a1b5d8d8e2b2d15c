// A node:test reporter that prints one closing line, `N passed, N failed, N skipped`, counting tests (not suites).
export default async function* summary(source) {
  let passed = 0,
    failed = 0,
    skipped = 0;
  for await (const event of source) {
    if (event.type !== 'test:pass' && event.type !== 'test:fail') continue;
    const d = event.data;
    if (d.details?.type === 'suite') continue;
    if (d.skip || d.todo) skipped++;
    else if (event.type === 'test:pass') passed++;
    else failed++;
  }
  yield `${passed} passed, ${failed} failed, ${skipped} skipped\n`;
}
