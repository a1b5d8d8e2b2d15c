/** Where an app's SDK should send requests: the compat kit's only setting (`SWITCHBOARD_URL`). */
export function clientBaseUrl(env: NodeJS.ProcessEnv = process.env): string {
  return (env.SWITCHBOARD_URL ?? 'http://127.0.0.1:4242').replace(/\/$/, '');
}
