/**
 * Maps Twilio voice names and languages to the nearest espeak-ng voice. Twilio's `man`/`woman`/`alice`
 * and the Polly/Google names carry a gender (and Polly names a language); espeak-ng has one voice per
 * language and gender variants (`+m3`, `+f3`).
 */
type Gender = 'male' | 'female';

/** BCP 47 (lower-cased) to espeak-ng voice. Unlisted tags fall back to their primary language. */
const LANGUAGES: Record<string, string> = {
  'en-us': 'en-us',
  'en-gb': 'en-gb',
  'en-au': 'en-gb',
  'en-ca': 'en-us',
  'en-in': 'en-gb',
  'en-ie': 'en-gb',
  'en-nz': 'en-gb',
  'en-za': 'en-gb',
  'en-gb-wls': 'en-gb',
  en: 'en-us',
  'es-es': 'es',
  'es-mx': 'es-419',
  'es-us': 'es-419',
  es: 'es',
  'fr-fr': 'fr-fr',
  'fr-ca': 'fr-fr',
  'fr-be': 'fr-be',
  'fr-ch': 'fr-ch',
  fr: 'fr-fr',
  'de-de': 'de',
  'de-at': 'de',
  'de-ch': 'de',
  de: 'de',
  'it-it': 'it',
  it: 'it',
  'pt-br': 'pt-br',
  'pt-pt': 'pt',
  pt: 'pt',
  'nl-nl': 'nl',
  'nl-be': 'nl',
  nl: 'nl',
  'sv-se': 'sv',
  sv: 'sv',
  'da-dk': 'da',
  da: 'da',
  'nb-no': 'nb',
  no: 'nb',
  nb: 'nb',
  'fi-fi': 'fi',
  fi: 'fi',
  'pl-pl': 'pl',
  pl: 'pl',
  'ru-ru': 'ru',
  ru: 'ru',
  'ja-jp': 'ja',
  ja: 'ja',
  'ko-kr': 'ko',
  ko: 'ko',
  'zh-cn': 'cmn',
  'cmn-cn': 'cmn',
  'zh-tw': 'cmn',
  'zh-hk': 'yue',
  'yue-cn': 'yue',
  zh: 'cmn',
  'ca-es': 'ca',
  ca: 'ca',
  'tr-tr': 'tr',
  tr: 'tr',
  'ar-ae': 'ar',
  arb: 'ar',
  ar: 'ar',
  'hi-in': 'hi',
  hi: 'hi',
  'cy-gb': 'cy',
  'is-is': 'is',
  'ro-ro': 'ro',
  'cs-cz': 'cs',
  'el-gr': 'el',
  'he-il': 'he',
  'hu-hu': 'hu',
  'id-id': 'id',
  'uk-ua': 'uk',
  'vi-vn': 'vi',
  'th-th': 'th',
};

/** Amazon Polly voices Twilio offers: language and gender. */
const POLLY: Record<string, [string, Gender]> = {
  joanna: ['en-US', 'female'],
  salli: ['en-US', 'female'],
  kendra: ['en-US', 'female'],
  kimberly: ['en-US', 'female'],
  ivy: ['en-US', 'female'],
  ruth: ['en-US', 'female'],
  danielle: ['en-US', 'female'],
  matthew: ['en-US', 'male'],
  joey: ['en-US', 'male'],
  justin: ['en-US', 'male'],
  kevin: ['en-US', 'male'],
  stephen: ['en-US', 'male'],
  gregory: ['en-US', 'male'],
  amy: ['en-GB', 'female'],
  emma: ['en-GB', 'female'],
  brian: ['en-GB', 'male'],
  arthur: ['en-GB', 'male'],
  nicole: ['en-AU', 'female'],
  olivia: ['en-AU', 'female'],
  russell: ['en-AU', 'male'],
  raveena: ['en-IN', 'female'],
  aditi: ['en-IN', 'female'],
  geraint: ['en-GB-WLS', 'male'],
  conchita: ['es-ES', 'female'],
  lucia: ['es-ES', 'female'],
  enrique: ['es-ES', 'male'],
  sergio: ['es-ES', 'male'],
  mia: ['es-MX', 'female'],
  andres: ['es-MX', 'male'],
  penelope: ['es-US', 'female'],
  lupe: ['es-US', 'female'],
  miguel: ['es-US', 'male'],
  pedro: ['es-US', 'male'],
  celine: ['fr-FR', 'female'],
  lea: ['fr-FR', 'female'],
  mathieu: ['fr-FR', 'male'],
  remi: ['fr-FR', 'male'],
  chantal: ['fr-CA', 'female'],
  gabrielle: ['fr-CA', 'female'],
  liam: ['fr-CA', 'male'],
  marlene: ['de-DE', 'female'],
  vicki: ['de-DE', 'female'],
  hans: ['de-DE', 'male'],
  daniel: ['de-DE', 'male'],
  carla: ['it-IT', 'female'],
  bianca: ['it-IT', 'female'],
  giorgio: ['it-IT', 'male'],
  adriano: ['it-IT', 'male'],
  camila: ['pt-BR', 'female'],
  vitoria: ['pt-BR', 'female'],
  ricardo: ['pt-BR', 'male'],
  thiago: ['pt-BR', 'male'],
  ines: ['pt-PT', 'female'],
  cristiano: ['pt-PT', 'male'],
  lotte: ['nl-NL', 'female'],
  ruben: ['nl-NL', 'male'],
  laura: ['nl-NL', 'female'],
  astrid: ['sv-SE', 'female'],
  elin: ['sv-SE', 'female'],
  naja: ['da-DK', 'female'],
  mads: ['da-DK', 'male'],
  liv: ['nb-NO', 'female'],
  ida: ['nb-NO', 'female'],
  ewa: ['pl-PL', 'female'],
  maja: ['pl-PL', 'female'],
  jacek: ['pl-PL', 'male'],
  jan: ['pl-PL', 'male'],
  tatyana: ['ru-RU', 'female'],
  maxim: ['ru-RU', 'male'],
  mizuki: ['ja-JP', 'female'],
  takumi: ['ja-JP', 'male'],
  kazuha: ['ja-JP', 'female'],
  seoyeon: ['ko-KR', 'female'],
  zhiyu: ['cmn-CN', 'female'],
  filiz: ['tr-TR', 'female'],
  zeina: ['arb', 'female'],
  hala: ['ar-AE', 'female'],
  dora: ['is-IS', 'female'],
  karl: ['is-IS', 'male'],
  gwyneth: ['cy-GB', 'female'],
  carmen: ['ro-RO', 'female'],
  suvi: ['fi-FI', 'female'],
  arlet: ['ca-ES', 'female'],
  kajal: ['en-IN', 'female'],
  aria: ['en-NZ', 'female'],
  ayanda: ['en-ZA', 'female'],
  niamh: ['en-IE', 'female'],
};

export interface EspeakVoice {
  /** e.g. `en-us+f3`. */
  voice: string;
  language: string;
  gender: Gender;
}

function espeakLanguage(tag: string | undefined): string {
  const t = (tag ?? 'en-US').toLowerCase().replace(/_/g, '-');
  return LANGUAGES[t] ?? LANGUAGES[t.split('-')[0] ?? ''] ?? 'en-us';
}

/**
 * Resolves Twilio's (voice, language) to an espeak-ng voice. A Polly voice fixes the language, as on
 * Twilio; a Google voice name (`Google.fr-FR-Standard-A`) carries its language in the name.
 */
export function resolveVoice(voice: string | undefined, language: string | undefined): EspeakVoice {
  const v = (voice ?? 'man').trim();
  let lang = language;
  let gender: Gender = 'male';
  const lower = v.toLowerCase();
  if (lower === 'woman' || lower === 'alice') gender = 'female';
  else if (lower.startsWith('polly.')) {
    const name = lower
      .slice(6)
      .replace(/-(neural|generative|long-form)$/, '')
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '');
    const known = POLLY[name];
    if (known) {
      lang = known[0];
      gender = known[1];
    } else gender = 'female';
  } else if (lower.startsWith('google.')) {
    const m = /^google\.([a-z]{2,3}-[a-z]{2})-/i.exec(v);
    if (m) lang = m[1];
    gender = 'female'; // the name does not say the gender
  }
  const base = espeakLanguage(lang);
  return { voice: `${base}+${gender === 'female' ? 'f3' : 'm3'}`, language: base, gender };
}
