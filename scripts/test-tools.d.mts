export interface TestTool {
  name: string;
  pkg: string;
  path: string;
  check?: string[];
}
export const TEST_TOOLS: TestTool[];
export function toolMissing(name: string): string | false;
export function missingPackages(): string[];
