import type { EditionContent } from '../shared/newsletter';

const bi = (nl: string, en: string) => ({ nl, en });

/**
 * A full 12-block edition in both languages, built on the programme's public facts. Contact details are
 * fictional (example.org). For tests, the benchmark and a demo.
 */
export function sampleEditionContent(listIds: number[] = [1]): EditionContent {
  return {
    number: 7,
    date: '2025-03-12',
    title: bi('Voorjaarsupdate: pilots in de evaluatiefase', 'Spring update: pilots in their evaluation phase'),
    subject: bi('{{voornaam|Beste lezer}}, de pilots in de evaluatiefase', '{{voornaam|Dear reader}}, the pilots in their evaluation phase'),
    preheader: bi('Resultaten uit vier pilots, de programmadag en twee nieuwe publicaties.', 'Results from four pilots, the programme day and two new publications.'),
    audience: { listIds, organisationKinds: [], pilotIds: [], regions: [], tags: [] },
    blocks: [
      {
        id: 'b01', type: 'intro',
        text: bi(
          'Beste {{voornaam|lezer}},\n\nHet programma **Jeugd en Veiligheid Oost-Nederland** brengt gemeenten en de strafrechtketen samen, zodat jongeren niet (verder) in de criminaliteit belanden. In deze editie:\n\n- de stand van de vier pilots;\n- de *programmadag* in april;\n- twee nieuwe publicaties.\n\nMeer lezen? Kijk op [de website van het Veiligheidsnetwerk](https://www.example.org/jeugd-en-veiligheid).',
          'Dear {{firstName|reader}},\n\nThe programme **Youth and Safety East Netherlands** brings municipalities and the criminal-justice chain together, so that young people do not slide (further) into crime. In this issue:\n\n- the state of the four pilots;\n- the *programme day* in April;\n- two new publications.\n\nWant to read more? Visit [the Safety Network website](https://www.example.org/youth-and-safety).',
        ),
      },
      {
        id: 'b02', type: 'pilot', pilotId: null, name: bi('Vroegsignalering Twente', 'Early signalling Twente'),
        phase: bi('Implementatie en evaluatie', 'Implementation and evaluation'),
        results: bi('Een heldere overlegstructuur met rollen en taken en een protocol dat andere gemeenten kunnen overnemen.', 'A clear meeting structure with roles and tasks, and a protocol other municipalities can adopt.'),
        nextSteps: bi('Een regionale handleiding voor vroegsignaleringsoverleggen; evaluatie begin 2025.', 'A regional manual for early-signalling meetings; evaluation early 2025.'),
        contactName: 'Marleen Kotkamp',
      },
      {
        id: 'b03', type: 'pilot', pilotId: null, name: bi('Veilig In en Om School (VIOS) Zwolle', 'Safe In and Around School (VIOS) Zwolle'),
        phase: bi('Uitrol op drie scholen', 'Roll-out at three schools'),
        results: bi('De VIOS-aanpak op **Talentstad**, **Thorbecke VMBO PRO** en **Ambelt Wapenveld**.', 'The VIOS approach at **Talentstad**, **Thorbecke VMBO PRO** and **Ambelt Wapenveld**.'),
        nextSteps: bi('Lessen uitwerken tot een werkwijze voor andere scholen.', 'Turning lessons into a working method for other schools.'),
        contactName: 'Irene Salomons',
      },
      {
        id: 'b04', type: 'pilot', pilotId: null, name: bi('Dashboard Jeugd, Zorg en Veiligheid', 'Dashboard Youth, Care and Safety'),
        phase: bi('Ontwerp met werkgroep', 'Design with a working group'),
        results: bi('Een werkend dashboard met gecombineerde gegevens van ketenpartners.', 'A working dashboard combining chain partners\' data.'),
        nextSteps: bi('Ontwerpcriteria ophalen met de werkgroep, samen met Kennispunt Twente.', 'Gathering design criteria with the working group and Kennispunt Twente.'),
        contactName: "Sylvia Huis in 't Veld",
      },
      {
        id: 'b05', type: 'pilot', pilotId: null, name: bi('Omgevingsadvies 2.0', 'Environmental advice 2.0'),
        phase: bi('Werksessies met professionals', 'Work sessions with professionals'),
        results: bi('Betere samenwerking en snellere ondersteuning voor jongeren en gezinnen.', 'Better cooperation and faster support for young people and families.'),
        nextSteps: bi('Aansluiting van Renkum en Wageningen.', 'Renkum and Wageningen joining.'),
        contactName: 'Denise van der Plaat',
      },
      { id: 'b06', type: 'divider' },
      {
        id: 'b07', type: 'event', title: bi('Programmadag Jeugd en Veiligheid', 'Youth and Safety programme day'), date: '2025-04-10',
        place: bi('Zwolle', 'Zwolle'),
        description: bi('Een dag over samenwerken tussen gemeenten en de strafrechtketen. Kies vooraf één themasessie.', 'A day on cooperation between municipalities and the criminal-justice chain. Choose one theme session in advance.'),
        programme: [
          { id: 'p1', time: '09:30', title: bi('Inloop', 'Walk-in') },
          { id: 'p2', time: '10:00', title: bi('Welkom en opening', 'Welcome and opening') },
          { id: 'p3', time: '10:30', title: bi('Themasessies (parallel)', 'Theme sessions (parallel)') },
          { id: 'p4', time: '12:00', title: bi('Lunch', 'Lunch') },
          { id: 'p5', time: '13:00', title: bi('Pilotsessie', 'Pilot session') },
          { id: 'p6', time: '14:30', title: bi('Afsluiting en netwerkborrel', 'Closing and networking drinks') },
        ],
        sessions: [
          { id: 's1', name: bi('Preventie', 'Prevention'), description: bi('Signaleren en vroeg ingrijpen.', 'Signalling and early intervention.') },
          { id: 's2', name: bi('Repressie', 'Repression'), description: bi('Gemeente en strafrechtketen na strafbare feiten.', 'Municipality and criminal-justice chain after offences.') },
          { id: 's3', name: bi('Jongeren in Detentie en Zorg', 'Youth in Detention and Care'), description: bi('Jongeren in een justitiële jeugdinrichting of gesloten zorg.', 'Young people in a youth custody institution or secure care.') },
          { id: 's4', name: bi('Nazorg', 'Aftercare'), description: bi('Terugkeer: school, werk, wonen en begeleiding.', 'Return: school, work, housing and support.') },
        ],
        url: 'https://www.example.org/programmadag', linkLabel: bi('Aanmelden', 'Register'),
      },
      {
        id: 'b08', type: 'publication', title: bi('Handleiding vroegsignaleringsoverleg', 'Manual for early-signalling meetings'),
        summary: bi('Hoe je een vroegsignaleringsoverleg opzet: rollen, doelgroep en afspraken.', 'How to set up an early-signalling meeting: roles, target group and agreements.'),
        url: 'https://www.example.org/publicaties/handleiding.pdf',
      },
      {
        id: 'b09', type: 'publication', title: bi('Evaluatie VIOS', 'VIOS evaluation'),
        summary: bi('Wat werkt in het kernteam op school, en wat kan beter.', 'What works in the core team at school, and what could be better.'),
        url: 'https://www.example.org/publicaties/vios-evaluatie',
      },
      {
        id: 'b10', type: 'image', url: 'https://www.example.org/beeld/programmadag.jpg',
        alt: bi('Deelnemers in gesprek tijdens een themasessie', 'Participants talking during a theme session'),
        caption: bi('De vorige programmadag', 'The previous programme day'), link: '',
      },
      {
        id: 'b11', type: 'contact', personId: null, name: 'Sanne Voorbeeld', role: bi('Programmasecretaris', 'Programme secretary'),
        organisation: 'Veiligheidsnetwerk Oost-Nederland', email: 'secretariaat@example.org',
        text: bi('Vragen over het programma of deze nieuwsbrief? Mail gerust.', 'Questions about the programme or this newsletter? Feel free to e-mail.'),
        buttonLabel: bi('Mail Sanne', 'Mail Sanne'),
      },
      { id: 'b12', type: 'divider' },
    ],
  };
}
