import type { FastifyInstance } from 'fastify';
import { lookupPhoneNumber, type LookupOptions, type LookupParameters } from '../../../lookup/index.js';
import { ParamReader } from '../../params.js';
import { paramsOf } from '../../server.js';

/** The query parameters some packages take, by their Lookup name. */
const PARAMETERS: ReadonlyArray<[string, keyof LookupParameters]> = [
  ['FirstName', 'firstName'],
  ['LastName', 'lastName'],
  ['AddressLine1', 'addressLine1'],
  ['AddressLine2', 'addressLine2'],
  ['City', 'city'],
  ['State', 'state'],
  ['PostalCode', 'postalCode'],
  ['AddressCountryCode', 'addressCountryCode'],
  ['NationalId', 'nationalId'],
  ['DateOfBirth', 'dateOfBirth'],
  ['LastVerifiedDate', 'lastVerifiedDate'],
  ['VerificationSid', 'verificationSid'],
  ['PartnerSubId', 'partnerSubId'],
];

/** Lookup v2 (`/lookups/v2/PhoneNumbers/{PhoneNumber}`): answered by src/lookup, offline unless a data source is given. */
export function lookupRoutes(app: FastifyInstance, origin: () => string, options: LookupOptions = {}): void {
  app.get('/lookups/v2/PhoneNumbers/:PhoneNumber', async (req) => {
    const { PhoneNumber } = req.params as { PhoneNumber: string };
    const p = new ParamReader(paramsOf(req));
    const parameters: LookupParameters = {};
    for (const [name, key] of PARAMETERS) {
      const value = p.str(name);
      if (value !== undefined) parameters[key] = value;
    }
    const countryCode = p.str('CountryCode');
    return lookupPhoneNumber(
      {
        phoneNumber: PhoneNumber,
        fields: p.all('Fields'),
        baseUrl: `${origin()}/lookups`,
        parameters,
        ...(countryCode ? { countryCode } : {}),
      },
      options,
    );
  });
}
