import { rfc2822 } from '../../../core/dates.js';
import type { AccountRow } from '../../../store/repositories/accounts.js';

export function presentAccount(row: AccountRow) {
  const base = `/2010-04-01/Accounts/${row.sid}`;
  const sub = (name: string) => `${base}/${name}.json`;
  return {
    auth_token: row.auth_token,
    date_created: rfc2822(row.date_created),
    date_updated: rfc2822(row.date_updated),
    friendly_name: row.friendly_name,
    owner_account_sid: row.parent_sid ?? row.sid,
    sid: row.sid,
    status: row.status,
    subresource_uris: {
      addresses: sub('Addresses'),
      conferences: sub('Conferences'),
      signing_keys: sub('SigningKeys'),
      transcriptions: sub('Transcriptions'),
      connect_apps: sub('ConnectApps'),
      sip: sub('SIP'),
      authorized_connect_apps: sub('AuthorizedConnectApps'),
      usage: sub('Usage'),
      keys: sub('Keys'),
      applications: sub('Applications'),
      recordings: sub('Recordings'),
      short_codes: sub('SMS/ShortCodes'),
      calls: sub('Calls'),
      notifications: sub('Notifications'),
      incoming_phone_numbers: sub('IncomingPhoneNumbers'),
      queues: sub('Queues'),
      messages: sub('Messages'),
      outgoing_caller_ids: sub('OutgoingCallerIds'),
      available_phone_numbers: sub('AvailablePhoneNumbers'),
      balance: sub('Balance'),
    },
    type: row.type,
    uri: `${base}.json`,
  };
}
