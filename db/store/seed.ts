import type { Db } from './connection';
import { organisationSearchText } from '../register/organisations';
import { savePerson } from '../register/people';
import type { OrganisationKind, Domain, PilotRole } from '../shared/register';

interface SeedOrganisation {
  name: string;
  kind: OrganisationKind;
  domain: Domain;
  region: string;
  municipality: string | null;
  pilots: string[];
}

const ORGANISATIONS: SeedOrganisation[] = [
  { name: 'Gemeente Almelo', kind: 'gemeente', domain: 'sociaal_domein', region: 'Twente', municipality: 'Almelo', pilots: ['vroegsignalering'] },
  { name: 'Gemeente Enschede', kind: 'gemeente', domain: 'sociaal_domein', region: 'Twente', municipality: 'Enschede', pilots: ['vroegsignalering'] },
  { name: 'Gemeente Zwolle', kind: 'gemeente', domain: 'sociaal_domein', region: 'IJsselland', municipality: 'Zwolle', pilots: ['vios'] },
  { name: 'Gemeente Ede', kind: 'gemeente', domain: 'sociaal_domein', region: 'Gelderland-Midden', municipality: 'Ede', pilots: ['omgevingsadvies'] },
  { name: 'Gemeente Barneveld', kind: 'gemeente', domain: 'sociaal_domein', region: 'Gelderland-Midden', municipality: 'Barneveld', pilots: ['omgevingsadvies'] },
  { name: 'Gemeente Renkum', kind: 'gemeente', domain: 'sociaal_domein', region: 'Gelderland-Midden', municipality: 'Renkum', pilots: [] },
  { name: 'Gemeente Wageningen', kind: 'gemeente', domain: 'sociaal_domein', region: 'Gelderland-Midden', municipality: 'Wageningen', pilots: [] },
  { name: 'Politie Oost-Nederland', kind: 'politie', domain: 'strafrechtketen', region: 'Oost-Nederland', municipality: null, pilots: ['vroegsignalering', 'omgevingsadvies'] },
  { name: 'Openbaar Ministerie Oost-Nederland', kind: 'om', domain: 'strafrechtketen', region: 'Oost-Nederland', municipality: null, pilots: [] },
  { name: 'Raad voor de Kinderbescherming', kind: 'raad_kinderbescherming', domain: 'strafrechtketen', region: 'Oost-Nederland', municipality: null, pilots: ['omgevingsadvies'] },
  { name: 'Jeugdbescherming Gelderland', kind: 'jeugdbescherming', domain: 'strafrechtketen', region: 'Gelderland', municipality: null, pilots: ['omgevingsadvies'] },
  { name: 'HALT Oost-Nederland', kind: 'halt', domain: 'strafrechtketen', region: 'Oost-Nederland', municipality: null, pilots: ['vroegsignalering'] },
  { name: 'Talentstad', kind: 'school', domain: 'onderwijs', region: 'IJsselland', municipality: 'Zwolle', pilots: ['vios'] },
  { name: 'Thorbecke VMBO PRO', kind: 'school', domain: 'onderwijs', region: 'IJsselland', municipality: 'Zwolle', pilots: ['vios'] },
  { name: 'Ambelt Wapenveld', kind: 'school', domain: 'onderwijs', region: 'IJsselland', municipality: 'Heerde', pilots: ['vios'] },
  { name: 'Kennispunt Twente', kind: 'kennispartner', domain: 'overig', region: 'Twente', municipality: null, pilots: ['dashboard'] },
];

const PILOTS = [
  {
    slug: 'vroegsignalering', name: 'Vroegsignalering Twente', name_en: 'Early signalling Twente', region: 'Twente',
    municipalities: 'Almelo, Enschede', phase: 'Implementatie en evaluatie',
    aim: 'De overleggen voor vroegsignalering in Almelo en Enschede opnieuw inrichten, zodat kwetsbare jongeren op tijd in beeld komen en partners samen passende hulp inzetten.',
    results: 'Een heldere overlegstructuur met rollen en taken, een afgebakende doelgroep, snellere aansluiting tussen gemeenten, politie, jeugdzorg, onderwijs en HALT, en een protocol dat andere gemeenten kunnen overnemen.',
    next_steps: 'Ervaringen bundelen in een regionale handleiding voor vroegsignaleringsoverleggen; evaluatie begin 2025.',
    contact_name: 'Marleen Kotkamp',
  },
  {
    slug: 'vios', name: 'Veilig In en Om School (VIOS) Zwolle', name_en: 'Safe In and Around School (VIOS) Zwolle', region: 'IJsselland',
    municipalities: 'Zwolle', phase: 'Uitrol op drie scholen',
    aim: 'Een kernteam op school waarin onderwijs, sociaal domein en jeugdstrafrechtketen samen zorgelijk gedrag vroeg signaleren en aanpakken.',
    results: 'De VIOS-aanpak op Talentstad, Thorbecke VMBO PRO en Ambelt Wapenveld; betere informatie-uitwisseling; duidelijke rollen en overlegstructuren.',
    next_steps: 'Lessen uitwerken tot een werkwijze voor andere scholen en gemeenten; evaluatie begin 2025.',
    contact_name: 'Irene Salomons',
  },
  {
    slug: 'dashboard', name: 'Dashboard Jeugd, Zorg en Veiligheid', name_en: 'Dashboard Youth, Care and Safety', region: 'Twente',
    municipalities: 'Twentse gemeenten', phase: 'Ontwerp met werkgroep',
    aim: 'Een dashboard dat gegevens van ketenpartners bundelt, zodat trends in jeugdcriminaliteit en het effect van interventies zichtbaar worden.',
    results: 'Een werkend dashboard met gecombineerde gegevens, betere data-uitwisseling en betere monitoring van interventies.',
    next_steps: 'Ontwerpcriteria ophalen met de werkgroep, samen met Kennispunt Twente.',
    contact_name: "Sylvia Huis in 't Veld",
  },
  {
    slug: 'omgevingsadvies', name: 'Omgevingsadvies 2.0', name_en: 'Environmental advice 2.0', region: 'Gelderland-Midden',
    municipalities: 'Ede, Barneveld (Renkum en Wageningen in gesprek)', phase: 'Werksessies met professionals',
    aim: 'Informatie uit het sociaal domein en de jeugdstrafrechtketen samenbrengen in één advies, ook voor jongeren over wie zorgelijke signalen zijn maar die (nog) geen verdachte zijn.',
    results: 'Betere samenwerking en informatie-uitwisseling, snellere ondersteuning voor jongeren en gezinnen, een bredere doelgroep en meer betrokken partijen.',
    next_steps: 'Werksessies met professionals over de cliëntreis en waar signalen binnenkomen; aansluiting van Renkum en Wageningen.',
    contact_name: 'Denise van der Plaat',
  },
];

const THEME_SESSIONS = [
  { slug: 'preventie', name: 'Preventie', name_en: 'Prevention', description: 'Voorkomen dat jongeren in de criminaliteit raken: signaleren en vroeg ingrijpen.' },
  { slug: 'repressie', name: 'Repressie', name_en: 'Repression', description: 'Samenwerking tussen gemeente en strafrechtketen wanneer er strafbare feiten zijn gepleegd.' },
  { slug: 'detentie-zorg', name: 'Jongeren in Detentie en Zorg', name_en: 'Youth in Detention and Care', description: 'Jongeren in een justitiële jeugdinrichting of in gesloten zorg.' },
  { slug: 'nazorg', name: 'Nazorg', name_en: 'Aftercare', description: 'Terugkeer na detentie of zorg: school, werk, wonen en begeleiding.' },
];

const SEED_KEY = 'seed.programme';

/** First start: the programme's pilots, partner organisations and theme sessions. Runs once. */
export async function seedProgramme(db: Db): Promise<boolean> {
  const done = await db.selectFrom('settings').select('value').where('key', '=', SEED_KEY).executeTakeFirst();
  if (done) return false;
  await db.transaction().execute(async (trx) => {
    const now = new Date().toISOString();
    const pilotIds = new Map<string, number>();
    for (const p of PILOTS) {
      const { id } = await trx.insertInto('pilots').values({ ...p, created_at: now, updated_at: now }).returning('id').executeTakeFirstOrThrow();
      pilotIds.set(p.slug, id);
    }
    for (const o of ORGANISATIONS) {
      const { id } = await trx.insertInto('organisations').values({
        name: o.name, kind: o.kind, domain: o.domain, region: o.region, municipality: o.municipality, website: null, notes: null,
        search_text: organisationSearchText(o), created_at: now, updated_at: now,
      }).returning('id').executeTakeFirstOrThrow();
      for (const slug of o.pilots) await trx.insertInto('pilot_organisations').values({ pilot_id: pilotIds.get(slug)!, organisation_id: id }).execute();
    }
    await trx.insertInto('theme_sessions').values(THEME_SESSIONS).execute();
    await trx.insertInto('settings').values({ key: SEED_KEY, value: '1' }).execute();
  });
  return true;
}

const DEMO_FIRST = ['Anouk', 'Bram', 'Chantal', 'Daan', 'Esra', 'Fleur', 'Gijs', 'Hanneke', 'Ilse', 'Jeroen', 'Karim', 'Lotte', 'Mehmet', 'Noor', 'Olivier', 'Priya', 'Ruben', 'Sanne', 'Tobias', 'Ursula', 'Vera', 'Wouter', 'Yara', 'Zoë'];
const DEMO_LAST = ['Voorbeeld', 'de Proef', 'van Testhoven', 'Demostra', 'Fictief', 'Oefenberg', 'van der Schets', 'Probeerman', "Huis in 't Demo", 'Müller-Voorbeeld', 'Çelik-Test', 'Ter Proeve'];
const DEMO_TITLES = ['Beleidsadviseur jeugd', 'Wijkagent', 'Officier van justitie', 'Raadsonderzoeker', 'Jeugdbeschermer', 'HALT-medewerker', 'Zorgcoördinator', 'Onderzoeker', 'Teamleider', 'Projectleider'];
const ROLES: PilotRole[] = ['contactpersoon', 'trekker', 'partner', 'deelnemer'];
const DEMO_KEY = 'seed.demo';

/** Plainly fictional demo people on example.org, so a newcomer can try everything. Runs once. */
export async function seedDemo(db: Db): Promise<number> {
  const done = await db.selectFrom('settings').select('value').where('key', '=', DEMO_KEY).executeTakeFirst();
  if (done) return 0;
  return db.transaction().execute(async (trx) => {
    const now = new Date();
    const orgs = await trx.selectFrom('organisations').select(['id', 'kind']).orderBy('id').execute();
    const pilots = await trx.selectFrom('pilot_organisations').select(['pilot_id', 'organisation_id']).execute();
    let added = 0;
    for (let i = 0; i < 36; i++) {
      const first = DEMO_FIRST[i % DEMO_FIRST.length]!;
      const last = DEMO_LAST[(i * 7) % DEMO_LAST.length]!;
      const org = orgs[i % orgs.length]!;
      const local = `${first}.${last}`.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase().replace(/[^a-z]+/g, '.').replace(/^\.|\.$/g, '');
      const id = await savePerson(trx, {
        firstName: first, lastName: last,
        emails: [{ email: `${local}.${i + 1}@example.org`, primary: true }],
        phone: null, organisationId: org.id, jobTitle: DEMO_TITLES[i % DEMO_TITLES.length]!,
        language: i % 5 === 4 ? 'en' : 'nl', tags: i % 3 === 0 ? ['programmadag 2024'] : i % 3 === 1 ? ['klankbordgroep'] : [],
        notes: 'Fictieve demopersoon.', owner: i % 2 ? 'Secretariaat A' : 'Secretariaat B',
        power: (i % 5) + 1, interest: ((i * 3) % 5) + 1,
      }, now);
      await trx.updateTable('people').set({ is_demo: 1 }).where('id', '=', id).execute();
      const pilot = pilots.find((p) => p.organisation_id === org.id);
      if (pilot) await trx.insertInto('pilot_people').values({ pilot_id: pilot.pilot_id, person_id: id, role: ROLES[i % ROLES.length]! }).execute();
      if (i % 4 === 0) {
        const { id: interactionId } = await trx.insertInto('interactions').values({
          kind: (['meeting', 'call', 'mail', 'event'] as const)[(i / 4) % 4]!,
          occurred_on: `2025-0${(i % 9) + 1}-1${i % 9}`, summary: 'Fictief contactmoment voor de demo.',
        }).returning('id').executeTakeFirstOrThrow();
        await trx.insertInto('interaction_people').values({ interaction_id: interactionId, person_id: id }).execute();
        if (pilot) await trx.insertInto('interaction_pilots').values({ interaction_id: interactionId, pilot_id: pilot.pilot_id }).execute();
      }
      added++;
    }
    await trx.insertInto('settings').values({ key: DEMO_KEY, value: now.toISOString() }).execute();
    return added;
  });
}
