### API atteikumu un kļūdu paziņojumi, ko portāls rāda lietotājiem.
###
### reason-<REASON>: katram stabilajam `extensions.reason`, ko atgriež API.
### code-<CODE>: vispārīgs paziņojums katram `extensions.code` kļūdai bez iemesla
### (vai ar iemeslu, kuram šeit nav paziņojuma).
###
### Mainīgie: portāls nenodod nevienu, izņemot
###   reason-START_TOO_FAR_AHEAD  $start (mobilitātes sākuma datums) un $earliest (pirmā diena,
###                               kad var iesniegt pieprasījumu), abi kā formatēts teksts;
###   reason-USER_LIMIT_REACHED   $limit, atļautais papildu lietotāju skaits;
###   reason-THROTTLED, code-THROTTLED
###                               $seconds, no `extensions.retryAfterSeconds`;
###   code-INTERNAL               $reference, pieprasījuma korelācijas identifikators.
### Latviešu daudzskaitļa kategorijas (CLDR): zero (0, 10–20, 30, …), one (1, 21, 31, …), other.
### en/errors.ftl ir tās pašas atslēgas ar tiem pašiem mainīgajiem (to pārbauda api/locales/check.py).


## Vispārīgi paziņojumi pēc extensions.code

code-VALIDATION = Daži ievadītie dati nav derīgi; pārbaudiet tos un mēģiniet vēlreiz.
code-NOT_FOUND = Meklētais nav atrasts vai jums nav tam piekļuves.
code-EXPIRED = Saites vai sesijas derīguma termiņš ir beidzies; piesakieties vēlreiz vai pieprasiet jaunu saiti.
code-REJECTED = Šo darbību pašlaik nevar veikt; pārlādējiet lapu un pārbaudiet datus.
code-FORBIDDEN = Jums nav tiesību veikt šo darbību.
code-UNAUTHENTICATED = Jūsu sesija nav aktīva; lai turpinātu, piesakieties sistēmā.
code-CONFLICT = Kāds cits tajā pašā brīdī mainīja tos pašus datus; pārlādējiet lapu un mēģiniet vēlreiz.
code-THROTTLED =
    Īsā laikā veikts pārāk daudz mēģinājumu; lūdzu, mēģiniet vēlreiz pēc { $seconds ->
        [zero] { $seconds } sekundēm
        [one] { $seconds } sekundes
       *[other] { $seconds } sekundēm
    }.
code-MAIL_FAILED = Izmaiņas ir saglabātas, taču e-pastu neizdevās nosūtīt; lūdzu, vēlāk pieprasiet to vēlreiz.
code-UNAVAILABLE = Pakalpojums īslaicīgi nav pieejams; lūdzu, mēģiniet vēlreiz pēc dažām minūtēm.
code-INTERNAL = Sistēmā radās kļūda; lūdzu, mēģiniet vēlreiz, un, ja kļūda atkārtojas, sazinieties ar Nacionālo Europass centru (NEC), norādot kļūdas kodu { $reference }.


## Pieteikšanās sistēmā, sesijas, paroles un saites

reason-INVALID_CREDENTIALS = Nepareiza e-pasta adrese vai parole; pārbaudiet tās un mēģiniet vēlreiz.
reason-THROTTLED =
    Pārāk daudz mēģinājumu; lūdzu, uzgaidiet un mēģiniet vēlreiz pēc { $seconds ->
        [zero] { $seconds } sekundēm
        [one] { $seconds } sekundes
       *[other] { $seconds } sekundēm
    }.
reason-SESSION_EXPIRED = Sesija tika automātiski izbeigta, jo 20 minūtes netika veiktas nekādas darbības; piesakieties vēlreiz (saglabātie dati nav zuduši).
reason-SESSION_UNKNOWN = Jūsu sesija nav aktīva; lai turpinātu, piesakieties sistēmā.
reason-SESSION_NOT_PROVEN = Jūsu sesiju neizdevās pārbaudīt; piesakieties sistēmā vēlreiz.
reason-PASSWORD_EXPIRED = E-pastā nosūtītās paroles derīguma termiņš ir beidzies, jo tā netika laikus nomainīta; pieprasiet jaunu paroli.
reason-WRONG_PASSWORD = Pašreizējā parole ir nepareiza; ievadiet to vēlreiz.
reason-WEAK_PASSWORD = Parolē jābūt no 10 līdz 200 rakstzīmēm; izvēlieties citu paroli.
reason-PASSWORD_TOO_SIMPLE = Parolē jābūt vismaz 5 dažādām rakstzīmēm; izvēlieties daudzveidīgāku paroli.
reason-PASSWORD_CONTAINS_EMAIL = Parolē nedrīkst būt jūsu e-pasta adrese vai tās daļa pirms @; izvēlieties citu paroli.
reason-PASSWORD_TOO_COMMON = Šī parole ir pārāk izplatīta un viegli uzminama; izvēlieties citu paroli.
reason-TOKEN_UNKNOWN = Šī saite nav derīga: iespējams, tā jau ir izmantota vai aizstāta ar jaunāku; izmantojiet pēdējo saņemto saiti vai pieprasiet jaunu.
reason-TOKEN_EXPIRED = Šīs saites derīguma termiņš ir beidzies; pieprasiet jaunu saiti.
reason-TOKEN_USED = Šī saite jau ir izmantota; piesakieties sistēmā ar paroli, kas tika parādīta, atverot saiti.
reason-ACCOUNT_NOT_FOUND = Šis konts vairs nav aktīvs; piesakieties vēlreiz vai, ja problēma atkārtojas, sazinieties ar NEC.
reason-ACCOUNT_CHANGED = Kāds cits tajā pašā brīdī mainīja šo kontu; lūdzu, mēģiniet vēlreiz.


## Reģistrācija, pamatdati un iestādes lietotāji

reason-EMAIL_ALREADY_REGISTERED = Šī e-pasta adrese jau ir reģistrēta; piesakieties sistēmā, pieprasiet jaunu paroli vai izmantojiet citu adresi.
reason-EMAIL_BELONGS_TO_ANOTHER_ACCOUNT = Šai e-pasta adresei jau ir cita veida konts; izmantojiet citu e-pasta adresi.
reason-INSTITUTION_ALREADY_REGISTERED = Šī iestāde jau ir reģistrēta; lūdziet kādam no tās lietotājiem pievienot jūs kā iestādes lietotāju.
reason-ALREADY_CONFIRMED = Šī reģistrācija jau ir apstiprināta; piesakieties sistēmā ar savu e-pasta adresi un paroli.
reason-REGISTRATION_NOT_FOUND = Šai e-pasta adresei nav neapstiprinātas reģistrācijas; pārbaudiet adresi vai reģistrējieties vēlreiz.
reason-INSTITUTION_NOT_FOUND = Iestāde nav atrasta vai jums nav tai piekļuves.
reason-COMPLETE_BASE_DATA = Vispirms aizpildiet iestādes pamatdatus.
reason-USER_LIMIT_REACHED =
    Iestādei var būt ne vairāk kā { $limit ->
        [zero] { $limit } papildu lietotāju
        [one] { $limit } papildu lietotājs
       *[other] { $limit } papildu lietotāji
    }; lai pievienotu jaunu, vispirms noņemiet kādu no esošajiem lietotājiem.
reason-USER_NOT_FOUND = Šis lietotājs nav atrasts starp jūsu iestādes lietotājiem; pārlādējiet lapu.
reason-NOT_AN_EXTERNAL_ROLE = Šādā veidā var uzaicināt tikai uzņemošās organizācijas un dalībniekus.


## Kas ko drīkst darīt

reason-INSTITUTION_USERS_ONLY = To var izdarīt tikai iestādes lietotāji.
reason-INSTITUTION_ONLY = To var izdarīt tikai nosūtošā iestāde.
reason-NEC_ONLY = To var izdarīt tikai NEC darbinieki.
reason-NOT_ALLOWED = Jums nav piekļuves šim dokumentam.
reason-READ_ONLY = NEC darbinieki dokumentus var skatīt, bet nevar tos mainīt.
reason-EDITOR_NOT_ALLOWED = Jums nav tiesību mainīt šo dokumenta daļu; ja tajā nepieciešamas izmaiņas, sazinieties ar nosūtošo iestādi.
reason-PARTICIPANT_ACCESS_LOCKED = Nosūtošā iestāde ir bloķējusi jūsu piekļuvi šim dokumentam, tāpēc izmaiņas vairs nevar veikt; ja vēl nepieciešamas izmaiņas, sazinieties ar nosūtošo iestādi.
reason-HOLDER_DETAILS_NOT_ALLOWED = Uzņemošajai organizācijai tiek rādīts tikai dalībnieka vārds un uzvārds.
reason-PARTICIPANT_ACCESS_NOT_ALLOWED = Uzņemošā organizācija neredz dalībnieka piekļuves iestatījumus.
reason-PHOTO_NOT_ALLOWED = Fotoattēlu var mainīt tikai nosūtošā iestāde un dalībnieks.
reason-FILE_NOT_ALLOWED = Dalībnieka fotoattēls uzņemošajai organizācijai netiek rādīts.
reason-AUDIT_NOT_ALLOWED = To var redzēt tikai nosūtošā iestāde un NEC darbinieki.
reason-CERTIFICATE_NOT_ALLOWED = Apliecinājumu var saņemt tikai nosūtošā iestāde un NEC darbinieki.
reason-ERASURE_NOT_ALLOWED = Dalībnieka personas datus var dzēst tikai nosūtošā iestāde un NEC darbinieki.
reason-SIGNATURES_NOT_ALLOWED = Parakstus un zīmogus var saglabāt tikai iestādes un uzņemošās organizācijas.


## Mobilitātes pieprasīšana un NEC lēmums

reason-CONDITIONS_NOT_ACCEPTED = Pirms mobilitātes pieprasīšanas piekrītiet nosacījumiem, atzīmējot attiecīgo lauciņu.
reason-START_TOO_FAR_AHEAD = Mobilitātei, kas sākas { $start }, pieprasījumu varēsiet iesniegt, sākot ar { $earliest }, jo to var iesniegt ne agrāk kā 10 nedēļas pirms mobilitātes sākuma.
reason-END_BEFORE_START = Beigu datums nevar būt agrāks par sākuma datumu; pārbaudiet abus datumus.
reason-PARTICIPANTS_OUT_OF_RANGE = Ievadiet dalībnieku skaitu no 1 līdz 500.
reason-UNKNOWN_ISSUER = Izvēlieties izsniedzējiestādi no saraksta: Latvijas NEC vai Europass Try Out.
reason-UNKNOWN_PROCEDURE = Izvēlieties A, B vai C procedūru.
reason-UNKNOWN_PROGRAMME = Izvēlieties programmu no izvēlētās procedūras saraksta.
reason-INVALID_PROJECT_NUMBER = Pārbaudiet projekta numuru: tajā drīkst būt tikai burti, cipari, atstarpes un rakstzīmes - _ . /
reason-QUALITY_CRITERIA_NOT_CONFIRMED = B procedūras gadījumā apstipriniet, ka ir izpildīti visi kvalitātes kritēriji.
reason-MOBILITY_ALREADY_REQUESTED = Šī mobilitāte jau ir pieprasīta; atrodiet to savu mobilitāšu sarakstā.
reason-MOBILITY_NOT_FOUND = Mobilitāte nav atrasta vai jums nav tai piekļuves.
reason-MOBILITY_NOT_APPROVED = Papildu dokumentus var pieprasīt tikai pēc tam, kad NEC ir apstiprinājis mobilitāti.
reason-ALREADY_DECIDED = Šis pieprasījums jau ir apstiprināts vai noraidīts; pārlādējiet lapu, lai redzētu tā pašreizējo statusu.
reason-NO_MORE_DOCUMENTS_PENDING = Šai mobilitātei nav papildu dokumentu, kas gaidītu apstiprinājumu; pārlādējiet lapu.
reason-ALLOCATION_NOT_ALLOWED = Europass numurus šim pieprasījumam piešķir, kad to apstiprina NEC; iesniedziet pieprasījumu bez numuriem.
reason-ALLOCATION_REQUIRED = Europass Try Out pieprasījumam neizdevās piešķirt numurus; lūdzu, iesniedziet to vēlreiz.
reason-NUMBER_COUNT_MISMATCH = Dokumentiem neizdevās piešķirt Europass numurus; lūdzu, mēģiniet vēlreiz.
reason-WRONG_NUMBER_SERIES = Norādīts Europass numurs no nepareizas numuru sērijas; lūdzu, mēģiniet vēlreiz.
reason-DUPLICATE_ALLOCATION = Katram dokumentam nepieciešams savs Europass numurs; lūdzu, mēģiniet vēlreiz.
reason-SERIES_MOVED = Tajā pašā brīdī numurus saņēma cits pieprasījums; lūdzu, mēģiniet vēlreiz.
reason-SERIES_EXHAUSTED = Šajā numuru sērijā vairs nav brīvu Europass numuru; sazinieties ar sistēmas administratoru.


## Dokumentu aizpildīšana

reason-DOCUMENT_NOT_FOUND = Dokuments nav atrasts vai jums nav tam piekļuves.
reason-DOCUMENT_ALREADY_CREATED = Šis dokuments jau ir izveidots ar citiem datiem; pārlādējiet lapu.
reason-UNKNOWN_SECTION = Šādas dokumenta sadaļas nav; pārlādējiet lapu.
reason-DATE_IN_FUTURE = Dzimšanas datums nevar būt nākotnē; pārbaudiet datumu.
reason-DATE_OUT_OF_RANGE = Datums ir ārpus pieļaujamā diapazona; pārbaudiet, vai gads norādīts pareizi.
reason-UNKNOWN_ORGANISATION_TYPE = Izvēlieties organizācijas veidu no saraksta vai ierakstiet to brīvā tekstā.
reason-COUNTRY_OUT_OF_SCOPE = Šī valsts neietilpst mobilitātes procedūras ģeogrāfiskajā tvērumā; izvēlieties ES vai EEZ valsti (A un C procedūrā arī Turciju, Ziemeļmaķedoniju vai Serbiju).
reason-UNKNOWN_PURPOSE = Izvēlieties uzturēšanās mērķi no saraksta vai ierakstiet to brīvā tekstā.
reason-UNKNOWN_LANGUAGE = Izvēlieties valodu no saraksta.
reason-LEVEL_REQUIRED = Norādiet līmeni (no A1 līdz C2) vismaz vienai no prasmēm: klausīšanās, lasīšana, runāšana (dialogs), runāšana (monologs) vai rakstīšana.
reason-TOO_MANY_LANGUAGES = Var norādīt ne vairāk kā 10 valodas; dzēsiet nevajadzīgās.
reason-DUPLICATE_LANGUAGE = Šī valoda norādīta divreiz; dzēsiet vienu no ierakstiem.
reason-UNKNOWN_DOCUMENT_LANGUAGE = Kā dokumenta valodu izvēlieties angļu vai latviešu valodu.
reason-HOST_EMAIL_MISSING = Vispirms saglabājiet uzņemošās organizācijas e-pasta adresi un tikai tad nosūtiet paroli.
reason-PARTICIPANT_EMAIL_MISSING = Pirms paroles nosūtīšanas ievadiet un saglabājiet dalībnieka e-pasta adresi sadaļā „Personas dati”.
reason-DOCUMENT_COUNT_OUT_OF_RANGE = Atlasiet vismaz vienu dokumentu (ne vairāk kā 500).


## Datu kopēšana uz citiem dokumentiem

reason-SECTION_NOT_COPYABLE = Personas datus nevar kopēt; uz citiem dokumentiem var kopēt tikai uzņemošās organizācijas, projekta un mācīšanās rezultātu datus.
reason-UNKNOWN_FIELD = Šajā sadaļā nav kāda no izvēlētajiem laukiem; pārlādējiet lapu un izvēlieties laukus vēlreiz.
reason-FIELD_ERASED = Dažu izvēlēto lauku dati ir dzēsti, tāpēc tos nevar kopēt; noņemiet atzīmi no šiem laukiem vai aizpildiet tos no jauna.
reason-COPY_FROM_ITSELF = Datus nevar kopēt uz to pašu dokumentu; izvēlieties citus dokumentus, uz kuriem kopēt.
reason-COPY_FROM_OTHER_MOBILITY = Datus var kopēt tikai starp vienas mobilitātes dokumentiem.
reason-TARGET_COUNT_OUT_OF_RANGE = Atlasiet vismaz vienu dokumentu, uz kuru kopēt datus (ne vairāk kā 1000).
reason-TARGET_NOT_IN_MOBILITY = Datus var kopēt tikai uz tās pašas mobilitātes dokumentiem, kurus varat rediģēt; pārbaudiet atlasītos dokumentus.


## Fotoattēli, paraksti un zīmogi

reason-UNSUPPORTED_IMAGE_TYPE = Fotoattēlam jābūt JPEG vai PNG formātā; augšupielādējiet to kādā no šiem formātiem.
reason-NOT_AN_IMAGE = Fails nav attēls; augšupielādējiet PNG vai JPEG failu.
reason-UNSUPPORTED_FORMAT = Šis attēla formāts netiek pieņemts; augšupielādējiet PNG vai JPEG failu.
reason-TOO_LARGE = Fails ir pārāk liels; augšupielādējiet attēlu, kas nav lielāks par 5 MB.
reason-DIMENSIONS_OUT_OF_RANGE = Attēla izmērs pikseļos ir pārāk mazs vai pārāk liels; augšupielādējiet cita izmēra attēlu.
reason-CORRUPT_IMAGE = Attēla fails ir bojāts vai nepilnīgs; saglabājiet to vēlreiz un augšupielādējiet PNG vai JPEG failu.
reason-RECT_OUT_OF_BOUNDS = Iezīmētajai daļai jābūt attēla robežās un vismaz 10 × 10 pikseļu lielai; iezīmējiet to vēlreiz.
reason-RECTANGLE_NOT_CHOSEN = Vispirms iezīmējiet attēla daļu, ko vēlaties izmantot (2. solis no 3).
reason-FOUR_VARIANTS_REQUIRED = Parakstu neizdevās sagatavot; lūdzu, vēlreiz iezīmējiet attēla daļu.
reason-UNKNOWN_VARIANT = Izvēlieties vienu no četriem piedāvātajiem variantiem.
reason-SIGNATURE_NOT_FOUND = Paraksts vai zīmogs nav atrasts; augšupielādējiet to vēlreiz vai izvēlieties citu.
reason-EMPTY_OR_CHOSEN = Izvēlieties parakstu vai atstājiet lauku tukšu, ne abus reizē.
reason-FILE_NOT_FOUND = Fails nav atrasts; iespējams, tas ir aizstāts vai dzēsts.


## Apliecinājumi

reason-DOCUMENT_INCOMPLETE = Apliecinājumu vēl nevar izsniegt, jo nav aizpildīti visi obligātie lauki; aizpildiet norādītos laukus.
reason-NOT_PRINTABLE = Ar ievadītajiem datiem apliecinājumu nevar izdrukāt (piemēram, kāds teksts ir pārāk garš vai satur neizdrukājamu rakstzīmi); izlabojiet tekstu un mēģiniet vēlreiz.
reason-LANGUAGE_MISMATCH = Dokumenta valoda pa to laiku tika mainīta; pārlādējiet lapu un izveidojiet apliecinājumu vēlreiz.
reason-CERTIFICATE_NOT_FOUND = Šim dokumentam šāds apliecinājums nav izsniegts; pārbaudiet izvēlēto dokumentu un apliecinājumu.
reason-INVALID_SHA256 = Apliecinājuma kontrolsumma (SHA-256) nav derīga: tai jābūt 64 rakstzīmes garai, un katra rakstzīme var būt 0–9 vai a–f.
reason-INVALID_EUROPASS_NUMBER = Tas nav derīgs Europass numurs; pārbaudiet to (piemēram, LV/2026/000123-2).


## Veidlapās ievadītās vērtības

reason-REQUIRED = Aizpildiet šo lauku.
reason-TOO_LONG = Teksts ir pārāk garš; saīsiniet to.
reason-INVALID_CHARACTERS = Tekstā ir rakstzīmes, kuras apliecinājumā nevar izdrukāt (piemēram, emocijzīmes vai neredzamas rakstzīmes); izdzēsiet tās un mēģiniet vēlreiz.
reason-INVALID_EMAIL = Ievadiet derīgu e-pasta adresi, piemēram, vards@piemers.lv.
reason-INVALID_PHONE = Ievadiet derīgu tālruņa numuru ar 5–20 cipariem (numura sākumā drīkst būt +; atļautas arī atstarpes, defises un iekavas).
reason-INVALID_WEBSITE = Ievadiet tīmekļa vietnes pilnu adresi, kas sākas ar http:// vai https://.
reason-INVALID_COUNTRY = Norādiet valsts divburtu kodu, piemēram, LV vai DE.
reason-INVALID_NAME = Ievadiet nosaukumu, kurā ir burti vai cipari.


## Lapas tehniskas problēmas (parasti palīdz lapas pārlādēšana)

reason-INVALID_ID = Saite vai izvēle nav derīga; atgriezieties iepriekšējā lapā un mēģiniet vēlreiz.
reason-INVALID_CURSOR = Šī vieta sarakstā vairs nav derīga; atgriezieties saraksta pirmajā lapā.
reason-OUT_OF_RANGE = Pieprasītais ierakstu skaits ir ārpus pieļaujamā diapazona; pārlādējiet lapu.
reason-CLIENT_MUTATION_ID_REUSED = Šī darbība jau tika nosūtīta ar citiem datiem; pārlādējiet lapu un mēģiniet vēlreiz.
reason-INVALID_DOCUMENT = Serveris nesaprata lapas nosūtītos datus; pārlādējiet lapu un mēģiniet vēlreiz.
reason-QUERY_TOO_COSTLY = Lapa pieprasīja pārāk daudz datu uzreiz; pārlādējiet lapu vai parādiet mazāk ierakstu.
reason-TOO_MANY_ALIASES = Lapa nosūtīja pārāk lielu vaicājumu; pārlādējiet lapu un mēģiniet vēlreiz.
reason-FRAGMENT_CYCLE = Lapa nosūtīja vaicājumu, ko nevar apstrādāt; pārlādējiet lapu un mēģiniet vēlreiz.

## Eiropas digitālie akreditācijas dati un publiskā pārbaude (issue 23)

reason-NOT_ISSUED = Apliecinājums vēl nav izsniegts: vispirms lejupielādējiet tā PDF.
reason-PARTICIPANT_DATA_ERASED = Dalībnieka personas dati ir dzēsti: apliecinājumu vairs nevar izveidot.
reason-CERTIFICATE_REVOKED = Nacionālais Europass centrs šo apliecinājumu ir atsaucis: tas vairs netiek izsniegts.
reason-INVALID_VERIFICATION_CODE = Pārbaudes kods ir 10 burti un cipari, kas uzdrukāti blakus QR kodam (piemēram, 7KQ2M-X9D4T).
