import { languageOf, type Language } from './locale.js';

interface SpokenWording {
  intro: (name: string) => string;
  repeat: string;
}

const WORDING: Readonly<Record<Language, SpokenWording>> = {
  en: { intro: (n) => `Your ${n} verification code is:`, repeat: 'I repeat,' },
  de: { intro: (n) => `Ihr ${n} Verifizierungscode lautet:`, repeat: 'Ich wiederhole,' },
  fr: { intro: (n) => `Votre code de vérification ${n} est :`, repeat: 'Je répète,' },
  es: { intro: (n) => `Tu código de verificación de ${n} es:`, repeat: 'Repito,' },
  it: { intro: (n) => `Il tuo codice di verifica ${n} è:`, repeat: 'Ripeto,' },
  pt: { intro: (n) => `O seu código de verificação ${n} é:`, repeat: 'Repito,' },
  nl: { intro: (n) => `Je ${n} verificatiecode is:`, repeat: 'Ik herhaal,' },
};

/** How many times a call says the code: once, then repeated, as Twilio's calls do. */
export const SPOKEN_REPEATS = 2;

/**
 * What a verification call says: the code one character at a time, separated by commas so a TTS engine
 * reads "1, 2, 3" rather than "one hundred twenty-three", then said again after "I repeat".
 * e.g. "Your Acme verification code is: 1, 2, 3, 4, 5, 6. I repeat, your Acme verification code is: 1, 2, 3, 4, 5, 6."
 */
export function spokenText(locale: string, friendlyName: string, code: string): string {
  const wording = WORDING[languageOf(locale)];
  const sentence = `${wording.intro(friendlyName)} ${[...code].join(', ')}.`;
  const parts = [sentence];
  for (let i = 1; i < SPOKEN_REPEATS; i++) parts.push(`${wording.repeat} ${lowerFirst(sentence)}`);
  return parts.join(' ');
}

function lowerFirst(s: string): string {
  return s.charAt(0).toLowerCase() + s.slice(1);
}
