import type { FastifyInstance } from 'fastify';
import { errors } from '../../../core/errors.js';
import { lookupPhoneNumber, type LineType, type LookupOptions } from '../../../lookup/index.js';
import { ParamReader } from '../../params.js';
import { paramsOf } from '../../server.js';

/** v1 knew three line types; v2's finer ones fold into them (VoIP of either kind is voip, the rest landline). */
function v1Type(type: LineType | null): string | null {
  if (type === null || type === 'unknown') return null;
  if (type === 'mobile') return 'mobile';
  return type === 'fixedVoip' || type === 'nonFixedVoip' ? 'voip' : 'landline';
}

const TYPES = ['carrier', 'caller-name'] as const;

/**
 * Lookup v1 (`/lookups/v1/PhoneNumbers/{PhoneNumber}?Type=carrier&Type=caller-name`), answered by the v2 lookup:
 * `carrier` from line type intelligence, `caller-name` from caller name. Unlike v2, an invalid number is a 404.
 */
export function lookupV1Routes(app: FastifyInstance, origin: () => string, options: LookupOptions = {}): void {
  app.get('/lookups/v1/PhoneNumbers/:PhoneNumber', async (req) => {
    const { PhoneNumber } = req.params as { PhoneNumber: string };
    const p = new ParamReader(paramsOf(req));
    const types = new Set(
      p
        .all('Type')
        .flatMap((t) => t.split(','))
        .map((t) => t.trim())
        .filter((t) => t !== ''),
    );
    for (const t of types) if (!(TYPES as readonly string[]).includes(t)) throw errors.invalidParameter('Type', `must be one of ${TYPES.join(', ')}`);
    const countryCode = p.str('CountryCode');
    const fields = [...(types.has('carrier') ? ['line_type_intelligence'] : []), ...(types.has('caller-name') ? ['caller_name'] : [])];
    const v2 = await lookupPhoneNumber({ phoneNumber: PhoneNumber, fields, baseUrl: `${origin()}/lookups`, ...(countryCode ? { countryCode } : {}) }, options);
    if (!v2.valid) throw errors.notFound('PhoneNumber', PhoneNumber);
    const line = v2.line_type_intelligence;
    return {
      caller_name: v2.caller_name,
      country_code: v2.country_code,
      phone_number: v2.phone_number,
      national_format: v2.national_format,
      carrier: line && {
        mobile_country_code: line.mobile_country_code,
        mobile_network_code: line.mobile_network_code,
        name: line.carrier_name,
        type: v1Type(line.type),
        error_code: line.error_code,
      },
      add_ons: null,
      url: v2.url.replace('/lookups/v2/', '/lookups/v1/'),
    };
  });
}
