/**
 * Locales Verify accepts (Twilio's list for SMS and voice). Switchboard has its own wording for the languages in
 * LANGUAGES; every other accepted locale falls back to English, as Twilio does for a missing translation.
 */
export const SUPPORTED_LOCALES: ReadonlySet<string> = new Set([
  'af',
  'ar',
  'ca',
  'cs',
  'da',
  'de',
  'el',
  'en',
  'en-gb',
  'es',
  'et',
  'fi',
  'fr',
  'he',
  'hi',
  'hr',
  'hu',
  'id',
  'it',
  'ja',
  'ko',
  'lt',
  'lv',
  'ms',
  'nb',
  'nl',
  'pl',
  'pt',
  'pt-br',
  'ro',
  'ru',
  'sk',
  'sl',
  'sv',
  'th',
  'tl',
  'tr',
  'uk',
  'vi',
  'zh',
  'zh-cn',
  'zh-hk',
]);

export const LANGUAGES = ['en', 'de', 'fr', 'es', 'it', 'pt', 'nl'] as const;
export type Language = (typeof LANGUAGES)[number];

/** Twilio picks the language from the To number's country when no Locale is given; these are the clear cases. */
const COUNTRY_LANGUAGE: Readonly<Record<string, Language>> = {
  DE: 'de',
  AT: 'de',
  LI: 'de',
  FR: 'fr',
  MC: 'fr',
  LU: 'fr',
  ES: 'es',
  MX: 'es',
  AR: 'es',
  CO: 'es',
  CL: 'es',
  PE: 'es',
  VE: 'es',
  EC: 'es',
  GT: 'es',
  CU: 'es',
  BO: 'es',
  DO: 'es',
  HN: 'es',
  PY: 'es',
  SV: 'es',
  NI: 'es',
  CR: 'es',
  PA: 'es',
  UY: 'es',
  IT: 'it',
  SM: 'it',
  PT: 'pt',
  BR: 'pt',
  AO: 'pt',
  MZ: 'pt',
  NL: 'nl',
  SR: 'nl',
};

/** Normalises a Locale parameter (case-insensitive, `_` or `-`); undefined when Twilio would refuse it. */
export function normalizeLocale(value: string): string | undefined {
  const locale = value.trim().toLowerCase().replace('_', '-');
  return SUPPORTED_LOCALES.has(locale) ? locale : undefined;
}

/** The locale a verification is sent in: the one asked for, else the To country's, else English. */
export function resolveLocale(requested: string | undefined, toCountry: string | undefined): string {
  if (requested) return requested;
  return (toCountry && COUNTRY_LANGUAGE[toCountry]) || 'en';
}

/** The language Switchboard words a locale in. */
export function languageOf(locale: string): Language {
  const primary = locale.split('-')[0] ?? 'en';
  return (LANGUAGES as readonly string[]).includes(primary) ? (primary as Language) : 'en';
}
