// Fixed texts of the newsletter, Dutch and English. Templates use them as [[key]]; the plain-text part uses them too.
// {list}, {name} and {date} are filled in by the renderer.
export const TEXTS = {
  'header.programme': { nl: 'Jeugd en Veiligheid Oost-Nederland', en: 'Youth and Safety East Netherlands' },
  'header.newsletter': { nl: 'Nieuwsbrief', en: 'Newsletter' },
  'header.number': { nl: 'nummer', en: 'issue' },
  'pilot.label': { nl: 'Uit de pilots', en: 'From the pilots' },
  'pilot.phase': { nl: 'Fase', en: 'Phase' },
  'pilot.results': { nl: 'Resultaten', en: 'Results' },
  'pilot.nextSteps': { nl: 'Wat is de volgende stap?', en: 'What is next?' },
  'pilot.contact': { nl: 'Contactpersoon', en: 'Contact person' },
  'event.label': { nl: 'Bijeenkomst', en: 'Event' },
  'event.date': { nl: 'Datum', en: 'Date' },
  'event.place': { nl: 'Locatie', en: 'Venue' },
  'event.programme': { nl: 'Programma', en: 'Programme' },
  'event.sessions': { nl: 'Themasessies (parallel: je kiest er vooraf één)', en: 'Theme sessions (parallel: choose one in advance)' },
  'event.link': { nl: 'Meer informatie en aanmelden', en: 'More information and registration' },
  'publication.label': { nl: 'Publicatie', en: 'Publication' },
  'publication.button': { nl: 'Lees de publicatie', en: 'Read the publication' },
  'contact.label': { nl: 'Contact', en: 'Contact' },
  'contact.button': { nl: 'Mail {name}', en: 'Mail {name}' },
  'footer.unsubscribe': { nl: 'Afmelden', en: 'Unsubscribe' },
  'footer.unsubscribeHelp': {
    nl: 'Afmelden kan altijd: klik op Afmelden en verstuur de e-mail die dan opent.',
    en: 'You can unsubscribe at any time: click Unsubscribe and send the e-mail that opens.',
  },
  'footer.privacy': { nl: 'Privacyverklaring', en: 'Privacy statement' },
  'footer.why.consent': {
    nl: 'Je ontvangt deze nieuwsbrief omdat je je hebt aangemeld voor de lijst ‘{list}’. Grondslag: je toestemming.',
    en: 'You receive this newsletter because you signed up for the list ‘{list}’. Lawful basis: your consent.',
  },
  'footer.why.legitimate_interest': {
    nl: 'Je ontvangt deze nieuwsbrief omdat je als samenwerkingspartner van het programma op de lijst ‘{list}’ staat. Grondslag: gerechtvaardigd belang; je kunt hiertegen altijd bezwaar maken door je af te melden.',
    en: 'You receive this newsletter because you are on the list ‘{list}’ as a partner of the programme. Lawful basis: legitimate interest; you can object at any time by unsubscribing.',
  },
  'footer.why.public_task': {
    nl: 'Je ontvangt deze nieuwsbrief omdat je op de lijst ‘{list}’ staat. Grondslag: publieke taak; je kunt je altijd afmelden.',
    en: 'You receive this newsletter because you are on the list ‘{list}’. Lawful basis: public task; you can unsubscribe at any time.',
  },
  'footer.published': { nl: 'Deze nieuwsbrief verscheen op {date}.', en: 'This newsletter was published on {date}.' },
  'text.link': { nl: 'Link', en: 'Link' },
} as const;

export type TextKey = keyof typeof TEXTS;
