import { languageOf, type Language } from './locale.js';

interface SmsWording {
  code: (name: string, code: string) => string;
  doNotShare: string;
}

/** Twilio's default SMS (English: "Your <FriendlyName> verification code is: 123456") in each language. */
const WORDING: Readonly<Record<Language, SmsWording>> = {
  en: { code: (n, c) => `Your ${n} verification code is: ${c}`, doNotShare: 'Don’t share this code with anyone; our employees will never ask for the code.' },
  de: {
    code: (n, c) => `Ihr ${n} Verifizierungscode lautet: ${c}`,
    doNotShare: 'Geben Sie diesen Code an niemanden weiter; unsere Mitarbeiter werden Sie nie danach fragen.',
  },
  fr: {
    code: (n, c) => `Votre code de vérification ${n} est : ${c}`,
    doNotShare: 'Ne partagez ce code avec personne ; nos employés ne vous le demanderont jamais.',
  },
  es: {
    code: (n, c) => `Tu código de verificación de ${n} es: ${c}`,
    doNotShare: 'No compartas este código con nadie; nuestros empleados nunca te lo pedirán.',
  },
  it: {
    code: (n, c) => `Il tuo codice di verifica ${n} è: ${c}`,
    doNotShare: 'Non condividere questo codice con nessuno; i nostri dipendenti non te lo chiederanno mai.',
  },
  pt: {
    code: (n, c) => `O seu código de verificação ${n} é: ${c}`,
    doNotShare: 'Não partilhe este código com ninguém; os nossos funcionários nunca o pedirão.',
  },
  nl: { code: (n, c) => `Je ${n} verificatiecode is: ${c}`, doNotShare: 'Deel deze code met niemand; onze medewerkers zullen er nooit om vragen.' },
};

export interface SmsOptions {
  /** DoNotShareWarningEnabled on the service. */
  doNotShareWarning?: boolean;
  /** AppHash: Android's SMS Retriever reads a message that starts with `<#>` and ends with the app's hash. */
  appHash?: string | undefined;
}

/** The verification SMS body, as Twilio words it. */
export function smsText(locale: string, friendlyName: string, code: string, options: SmsOptions = {}): string {
  const wording = WORDING[languageOf(locale)];
  let body = wording.code(friendlyName, code);
  if (options.doNotShareWarning) body += `. ${wording.doNotShare}`;
  if (options.appHash) body = `<#> ${body} ${options.appHash}`;
  return body;
}
