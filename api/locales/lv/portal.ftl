# Portāla teksti latviešu valodā. Katrai atslēgai ir angliskais pāris ../en/portal.ftl.
# Daudzskaitļa formas pēc CLDR: zero (0, 10–20, 30 …), one (1, 21, 31 …, bet ne 11), other.
app-name = Europass mobilitātes datubāze
skip-to-content = Pāriet uz saturu
nav-label = Galvenā izvēlne
nav-home = Sākums
nav-request = Pieprasīt mobilitāti
nav-institution = Iestāde un lietotāji
nav-queue = Izskatāmie pieprasījumi
nav-password = Mainīt paroli
nav-login = Pieslēgties
nav-register = Reģistrēt iestādi
session-left = Sesija beigsies pēc
logout = Iziet
footer = Latvijas Nacionālais Europass centrs · API portāliem
required = obligāts
choose = — izvēlieties —
save = Saglabāt
yes = Jā
no = Nē
remove = Dzēst
actions = Darbības
back-home = Atpakaļ uz sākumlapu
page-failed = Lapu neizdevās parādīt
form-has-errors = Lūdzu, izlabojiet
form-expired-title = Veidlapa ir novecojusi
form-expired = Nekas netika saglabāts: veidlapa bija atvērta pārāk ilgi vai tika iesniegta no citas vietnes.
form-expired-again = Atveriet lapu vēlreiz un atkārtojiet.
month-1 = janvāris
month-2 = februāris
month-3 = marts
month-4 = aprīlis
month-5 = maijs
month-6 = jūnijs
month-7 = jūlijs
month-8 = augusts
month-9 = septembris
month-10 = oktobris
month-11 = novembris
month-12 = decembris

login-title = Pieslēgšanās
login = Pieslēgties
field-email = E-pasts
field-password = Parole
forgot-password = Aizmirsāt paroli?
no-account = Jūsu iestādei vēl nav konta?
session-expired = Jūsu sesija beidzās pēc 20 minūšu neaktivitātes. Lūdzu, pieslēdzieties vēlreiz.
logged-out = Darbs sistēmā ir beigts.
password-was-reset = Parole ir nomainīta. Pieslēdzieties ar jauno paroli.

register-title = Iestādes reģistrācija
register-intro = Skolas, augstskolas un mācību iestādes reģistrējas vienu reizi. Uz norādīto e-pastu nosūtīsim apstiprinājuma saiti, kas derīga 48 stundas.
field-institution-name = Iestādes oficiālais nosaukums
register-email-hint = Šis e-pasts būs iestādes galvenā lietotāja lietotājvārds.
register = Reģistrēt
check-your-mail = Pārbaudiet e-pastu
link-sent = Apstiprinājuma saite nosūtīta uz { $email }. Tā ir derīga līdz { $until }.
link-sent-next = Atveriet saiti, lai apstiprinātu reģistrāciju: tur vienu reizi tiks parādīta jūsu parole.
resend-link = Nesaņēmāt e-pastu? Pieprasiet jaunu apstiprinājuma saiti
resend-title = Jauna apstiprinājuma saite
resend-intro = Norādiet e-pastu, ar kuru iestāde reģistrējās. Iepriekšējās saites vairs nedarbosies.

confirm-title = Reģistrācijas apstiprināšana
confirm-intro = Apstipriniet iestādes reģistrāciju Europass mobilitātes datubāzē. Parole tiks parādīta vienu reizi nākamajā lapā.
confirm = Apstiprināt
confirmed-title = Reģistrācija apstiprināta
confirmed-intro = Iestādes konts ir gatavs. Pieslēdzieties ar:
password-shown-once = Pierakstiet paroli tagad: tā tiek parādīta tikai vienu reizi.
go-to-login = Uz pieslēgšanās lapu
confirm-failed-title = Reģistrāciju neizdevās apstiprināt

forgot-title = Aizmirsta parole
forgot-intro = Norādiet savu lietotāja e-pastu. Ja tam ir konts, nosūtīsim saiti jaunas paroles izvēlei; tā derīga 2 stundas.
send-reset = Nosūtīt saiti
reset-sent = Ja šim e-pastam ir konts, saite uz to ir nosūtīta.
reset-title = Jaunas paroles izvēle
field-new-password = Jaunā parole
field-current-password = Pašreizējā parole
set-password = Saglabāt paroli
password-rules = Parolē jābūt no 10 līdz 200 rakstzīmēm, no tām vismaz 5 dažādām; tā nedrīkst būt jūsu e-pasts vai bieži lietota parole.
change-password-title = Paroles maiņa
change-password = Mainīt paroli
change-emailed-password = Jūs pieslēdzāties ar e-pastā saņemtu paroli: lūdzu, tagad izvēlieties savu.
password-changed = Parole ir nomainīta.

home-title = Sākums
home-external = Savus dokumentus atverat no saitēm saņemtajos e-pastos.
next-steps = Nākamie soļi
step-done = izdarīts
step-blocked = pieejams, kad aizpildīti pamatdati
step-in-part-2 = šī iespēja portālā būs drīzumā
your-mobilities = Jūsu mobilitātes
no-mobilities = Neviena mobilitāte vēl nav pieprasīta.
mobility-title = { $procedure } procedūra: { $start } – { $end }
participants-count = { $count ->
    [one] { $count } dalībnieks
   *[other] { $count } dalībnieki
}
documents-pending = { $count ->
    [one] { $count } dokuments gaida NEC lēmumu
   *[other] { $count } dokumenti gaida NEC lēmumu
}
requested-at = Pieprasīts
status-pending = Gaida NEC lēmumu
status-approved = Apstiprināts
status-rejected = Noraidīts

institution-title = Iestāde un lietotāji
base-data = Pamatdati
base-data-missing = Vēl jāaizpilda:
base-data-saved = Pamatdati ir saglabāti.
field-name = Nosaukums
field-address = Adrese
field-country = Valsts
country-hint = Valsts divburtu kods, piemēram, LV.
field-contactPerson = Kontaktpersona
field-contactPosition = Kontaktpersonas amats
contact-person-hint = Drukā 3. sadaļā un kopā ar amatu pie nosūtītājorganizācijas paraksta.
field-phone = Tālrunis
field-institution-email = Iestādes e-pasts
field-website = Tīmekļa vietne
users = Papildu lietotāji
users-rule = Papildus galvenajam lietotājam iestādei var būt vēl { $limit ->
    [one] { $limit } lietotājs
   *[other] { $limit } lietotāji
}. Katrs saņem savu paroli e-pastā.
users-count = { $count ->
    [one] { $count } lietotājs
   *[other] { $count } lietotāji
}
no-users = Papildu lietotāju vēl nav.
field-user-name = Vārds, uzvārds
added-at = Pievienots
add-user = Pievienot lietotāju
user-email-hint = Lietotāja lietotājvārds; uz to tiks nosūtīta parole.
user-added = Lietotājs ir pievienots; parole viņam nosūtīta e-pastā.
user-removed = Lietotājs ir dzēsts.
remove-user-named = Dzēst lietotāju: { $name }
request-title = Europass mobilitātes pieprasījums
conditions-title = Lietošanas noteikumi
conditions-1 = Europass mobilitātes dokuments apliecina mācības ārvalstīs, kuras organizē nosūtītāja iestāde un uzņēmējorganizācija, ar saskaņotiem mācību rezultātiem, mentoru un kvalitātes nodrošināšanu.
conditions-2 = Iestāde dalībnieku personas datus glabā tikai dokumentu izsniegšanai, ievada patiesus datus un nodrošina, ka dokumentu paraksta pilnvarotas personas.
conditions-3 = Nacionālais Europass centrs var pārbaudīt datus un noraidīt pieprasījumu, kas neatbilst noteikumiem.
field-acceptConditions = Piekrītu lietošanas noteikumiem
field-issuer = Izsniedzējs
try-out-hint = Datubāzes izmēģināšanai: pieprasījumi tiek apstiprināti uzreiz; visi dati tiek dzēsti pēc 24 stundām.
field-procedure = Procedūra
host-countries = Katrā procedūrā atļautās uzņēmējvalstis
host-countries-of = { $procedure } procedūra ({ $count ->
    [one] { $count } valsts
   *[other] { $count } valstis
}):
field-programme = Programma
procedure-a-only = A un C procedūrā.
procedure-c-only = C procedūrā.
procedure-ac-only = A un C procedūrā: projekta numurs vai programmas dokumenta numurs.
procedure-b-only = B procedūrā: īss projekta apraksts (atslēgvārdi).
field-projectNumber = Projekta numurs
field-description = Projekta apraksts
field-qualityCriteriaConfirmed = Apliecinu, ka visi kvalitātes kritēriji ir izpildīti (B procedūra)
field-participants = Dalībnieku skaits
participants-hint = Katram dalībniekam viens dokuments, no 1 līdz 500.
field-startDate = Mobilitātes pirmā diena
field-endDate = Mobilitātes pēdējā diena
ten-weeks-rule = Mobilitāti var pieprasīt ne agrāk kā 10 nedēļas (70 dienas) pirms tās sākuma; var pieprasīt arī jau beigušos mobilitāti.
field-foldersByPost = Katram dalībniekam nosūtīt Europass dokumentu mapi pa pastu
send-request = Nosūtīt pieprasījumu
requested-nec = Pieprasījums nosūtīts Nacionālajam Europass centram. Par lēmumu saņemsiet e-pastu (parasti 48 stundu laikā).
requested-try-out = Try Out pieprasījums apstiprināts uzreiz. Viss, kas ar to izveidots, tiks dzēsts pēc 24 stundām.

institution = Iestāde
period = Periods
decided-at = Lēmums pieņemts
rejection-reason = Noraidīšanas iemesls
waiting = Gaida
hours = { $count ->
    [0] mazāk nekā stundu
    [one] { $count } stundu
   *[other] { $count } stundas
}
overdue = nokavēts (48 stundas vai vairāk)
decision = Lēmums
decision-saved = Lēmums saglabāts un nosūtīts iestādei e-pastā.
approve = Apstiprināt
reject = Noraidīt
field-rejection-reason = Noraidīšanas iemesls
rejection-hint = Paskaidrojiet, kas iestādei jālabo; iemesls tiks nosūtīts iestādei e-pastā.
reject-with-reason = Noraidīt ar iemeslu
approve-request-of = Apstiprināt iestādes { $institution } pieprasījumu: { $request }
documents = Dokumenti
no-documents-yet = Dokumenti tiks izveidoti, kad NEC apstiprinās pieprasījumu.
no-documents-rejected = Pieprasījums noraidīts; dokumenti netika izveidoti.
documents-complete = Aizpildīti { $complete } no { $count } dokumentiem.
download-zip = Lejupielādēt visus apliecinājumus (ZIP)
europass-number = Europass numurs
holder = Īpašnieks
holder-unknown = vēl nav ievadīts
completeness = Aizpildījums
complete = aizpildīts
missing-count = { $count ->
    [zero] Trūkst { $count } lauku
    [one] Trūkst { $count } lauka
   *[other] Trūkst { $count } lauku
}
missing-which = Kuri lauki
certificate = Apliecinājums
download-pdf = Lejupielādēt PDF
pdf-when-complete = pieejams, kad aizpildīts

queue-title = Izskatāmie pieprasījumi
queue-intro = { $count ->
    [one] Gaida { $count } pieprasījums, vecākie vispirms.
   *[other] Gaida { $count } pieprasījumi, vecākie vispirms.
}
queue-empty = Neviens pieprasījums negaida.
request = Pieprasījums
approved-notice = Pieprasījums apstiprināts un dokumenti izveidoti; iestādei nosūtīts e-pasts.
next-page = Nākamā lapa
date-invalid = Ievadiet datumu formātā gads-mēnesis-diena, piemēram, 2026-12-01.
date-missing = Izvēlieties datumu.
request-needs-base-data = Vispirms aizpildiet iestādes pamatdatus: tie katrā dokumentā tiek norādīti kā nosūtītāja iestāde.
resend-button = Nosūtīt jaunu saiti
field-userName = Vārds, uzvārds
field-userEmail = E-pasts
field-programmeA = Programma
field-programmeC = Programma
field-newPassword = Jaunā parole
field-currentPassword = Pašreizējā parole
field-reason = Noraidīšanas iemesls
not-found-title = Lapa nav atrasta
not-found = Šajā adresē lapas nav. Iespējams, tā ir pārvietota vai saite ir kļūdaina.

# Dokuments (22. uzdevums)
document-title = Dokuments { $number }
section-saved = Saglabāts.
certificate-language = Apliecinājuma valoda
sections = Dokumenta sadaļas
section-personalData = Personas dati
section-hostOrganisation = Uzņemošā organizācija
section-project = Projekts
section-learningOutcomes = Mācību rezultāti
save-section = Saglabāt šo sadaļu
field-surname = Uzvārds(-i)
field-firstName = Vārds(-i)
field-dateOfBirth = Dzimšanas datums
field-nationality = Pilsonība
field-organisationType = Organizācijas veids
field-organisationTypeOther = Cits veids (ja sarakstā nav piemērota)
field-mentorFirstName = Mentora vārds(-i)
field-mentorLastName = Mentora uzvārds(-i)
field-position = Mentora amats
field-objective = Mobilitātes mērķis
field-qualification = Kvalifikācija, uz kuru mācības ved
field-stay = Uzturēšanās veids
field-purpose = Uzturēšanās mērķis
field-purposeOther = Cits mērķis (ja sarakstā nav piemērota)
field-activities = Veiktās darbības un uzdevumi
field-jobRelatedSkills = Iegūtās ar darbu saistītās prasmes
field-languageSkills = Valodu prasmes (CEFR līmeņi)
field-digitalSkills = Iegūtās digitālās prasmes
field-organisationalSkills = Iegūtās organizatoriskās prasmes
field-communicationSkills = Iegūtās komunikācijas prasmes
field-otherSkills = Citas iegūtās prasmes
participant-email-hint = Dalībnieka e-pasts: tas būs viņa lietotājvārds, kad viņam piešķirs piekļuvi.
host-email-hint = Uzņemošā organizācija redz šo dokumentu, kad pieslēdzas ar šo e-pastu.
other-hint = Tiek izmantots, ja augstāk nekas nav izvēlēts.
activities-hint = Ko dalībnieks darīja, tā, kā tam jābūt apliecinājumā.
stay-physical = Ārvalstīs klātienē
stay-virtual = Tiešsaistē (virtuālā mobilitāte)
stay-unset = Nav norādīts
language-n = { $n }. valoda
cefr-listening = Klausīšanās
cefr-reading = Lasīšana
cefr-spokenInteraction = Dialogs
cefr-spokenProduction = Monologs
cefr-writing = Rakstīšana
open-document = Atvērt
your-documents = Jūsu dokumenti
incomplete = nav aizpildīts
access-title = Kas vēl strādā ar šo dokumentu
access-host = Uzņemošā organizācija
access-host-no-email = Vispirms ievadiet uzņemošās organizācijas e-pastu tās sadaļā.
access-host-send = Uzņemošā organizācija pieslēdzas ar { $email } un aizpilda uzņemošās organizācijas, projekta un mācību rezultātu sadaļu.
access-host-button = Nosūtīt paroli uzņemošajai organizācijai
access-participant = Dalībnieks
access-participant-no-email = Vispirms ievadiet dalībnieka e-pastu personas datos.
access-participant-give = Dalībnieks pieslēdzas ar { $email } un aizpilda savus personas datus un mācību rezultātus.
access-participant-button = Piešķirt dalībniekam piekļuvi
access-participant-given = Piekļuve piešķirta: { $email }.
access-locked-from = Slēgts no { $date }: dalībnieks dokumentu var lasīt, bet vairs nevar mainīt.
access-lock-from = Slēgt no
access-lock = Slēgt
access-unlock = Atslēgt
participant-locked-since = Dokuments slēgts { $date }: jūs to varat lasīt, bet vairs nevarat mainīt.
copy-title = Kopēt šīs sadaļas laukus uz citiem dokumentiem
copy-fields = Kopējamie lauki
copy-targets = Uz šiem mobilitātes dokumentiem
copy-hint = Izvēlētie citu dokumentu lauki tiks aizstāti ar šī dokumenta vērtībām (tukša vērtība tos iztukšos).
copy-button = Kopēt
copied = { $count ->
    [one] Nokopēts uz { $count } dokumentu.
   *[other] Nokopēts uz { $count } dokumentiem.
}
esco-title = Prasmju un profesiju meklēšana ESCO
esco-hint = Vispirms saglabājiet izmaiņas: meklēšana šo sadaļu atver no jauna. Atrastā vienuma nosaukums tiek pievienots jūsu izvēlētajam laukam.
esco-search = Meklēt
esco-kind = Kur
esco-skills = prasmēs
esco-occupations = profesijās
esco-find = Meklēt
esco-none = Nekas netika atrasts; mēģiniet ar vārda daļu.
esco-add-to = Pievienot laukam
esco-add = Pievienot tekstu
nav-search = Meklēt dokumentus
search-title = Dokumentu meklēšana
search-number-hint = Pietiek ar numura daļu, piemēram, 2026/0001.
search-any = jebkāds
search-none = Neviens dokuments neatbilst.
history = Vēsture
history-title = { $number } vēsture
timeline = Kas noticis, vecākais vispirms
copied-from = nokopēts no
the-source = avota dokumenta
as-of-title = Dokuments noteiktā brīdī
as-of-moment = Brīdis (UTC)
as-of-show = Rādīt blakus šodienai
field = Lauks
today = Šodien
issued-certificates = Izsniegtie apliecinājumi
no-certificates = Neviens apliecinājums vēl nav izsniegts.
template = veidne
verify = Pārbaudīt
verify-matches = Apliecinājumu var izveidot no jauna baitu pa baitam (veidne { $version }).
verify-differs = Apliecinājumu nevar izveidot no jauna no glabātajiem datiem (veidne { $version }); izmaiņas redzamas vēsturē.
erase-title = Dzēst dalībnieka personas datus
erase-intro = Personas dati tiek neatgriezeniski padarīti nelasāmi (to atslēga tiek iznīcināta); vēsturē paliek ziņa, ka tie bija. Apliecinājumus vairs nevar izveidot.
erase-reason = Iemesls (tiek saglabāts auditā)
erase-confirm = Apstiprinu, ka dokumenta { $number } personas dati ir jādzēš neatgriezeniski.
erase-button = Dzēst neatgriezeniski
erase-not-confirmed = Lai dzēstu, atzīmējiet apstiprinājumu.
erased-notice = Dalībnieka personas dati ir dzēsti.
event-DocumentCreated = Dokuments izveidots
event-PersonalDataSaved = Personas dati saglabāti
event-HostOrganisationSaved = Uzņemošā organizācija saglabāta
event-ProjectSaved = Projekts saglabāts
event-LearningOutcomesSaved = Mācību rezultāti saglabāti
event-CopyReceived = Lauki nokopēti
event-LanguageChanged = Apliecinājuma valoda mainīta
event-SignatureChosen = Izvēlēts paraksts vai zīmogs
event-ParticipantAccessGranted = Dalībniekam piešķirta piekļuve
event-ParticipantAccessLocked = Dalībnieka piekļuve slēgta
event-ParticipantAccessUnlocked = Dalībnieka piekļuve atslēgta
event-ParticipantDataErased = Personas dati dzēsti
event-CertificateIssued = Apliecinājums izsniegts
event-CertificateRevoked = Apliecinājums atsaukts
role-institution_user = iestāde
role-nec = NEC
role-host = uzņemošā organizācija
role-participant = dalībnieks
role-anonymous = anonīms
role-operator = operators
role-system = datubāze
photo-title = Fotogrāfija
photo-none = Fotogrāfijas vēl nav
photo-alt = Īpašnieka fotogrāfija
photo-choose = Izvēlēties fotogrāfiju
photo-hint = PNG vai JPEG, ne lielāka par 5 MB; tā tiek drukāta apliecinājumā.
photo-upload = Augšupielādēt fotogrāfiju
photo-replace = Aizstāt fotogrāfiju
photo-remove = Dzēst fotogrāfiju
photo-missing = Vispirms izvēlieties PNG vai JPEG failu.
event-MobilityRequested = Mobilitāte pieprasīta
event-MobilityApproved = Mobilitāte apstiprināta
event-MobilityRejected = Mobilitāte noraidīta
event-MoreDocumentsRequested = Pieprasīti papildu dokumenti
access-group-button = Piešķirt piekļuvi visiem dalībniekiem
access-group-done = { $count ->
    [one] Piekļuve piešķirta { $count } dalībniekam; parole nosūtīta e-pastā.
   *[other] Piekļuve piešķirta { $count } dalībniekiem; paroles nosūtītas e-pastā.
}
copied-what = { $fields } → { $documents }
as-of-invalid = Ievadiet brīdi kā datumu un laiku, piemēram, 2026-11-02 09:10.

## Paraksti un zīmogi (R-SIGN)

nav-signatures = Paraksti un zīmogi
signatures-title = Paraksti un zīmogi
signatures-intro = Noklusētais paraksts un noklusētais zīmogs tiek ievietoti katrā turpmāk izdotajā apliecinājumā. Dokumentam var izvēlēties citu vai nevienu: pietiek ar vienu parakstu, nosūtītājorganizācijas vai uzņēmējorganizācijas.
signatures-none = Vēl nav saglabāts neviens paraksts vai zīmogs.
signature-saved = Saglabāts.
signature-default = noklusētais
signature-new-name = Nosaukums
signature-rename = Pārdēvēt
signature-make-default = Padarīt par noklusēto
signature-make-default-named = Padarīt { $name } par noklusēto
signature-remove-named = Dzēst { $name }
signature-step-1 = Pievienot parakstu vai zīmogu: 1. solis no 3, izvēlieties attēlu
signature-file = Attēla datne
signature-file-hint = Paraksta vai zīmoga uz balta papīra skenējums vai fotoattēls PNG vai JPEG formātā.
signature-file-missing = Vispirms izvēlieties attēla datni.
signature-upload = Augšupielādēt
signatures-back = Atpakaļ uz parakstiem un zīmogiem
signature-new-title = Jauns paraksts vai zīmogs
signature-step-2 = 2. solis no 3: atzīmējiet parakstu attēlā
signature-draw-hint = Ar peli novelciet taisnstūri ap parakstu vai zemāk ierakstiet tā novietojumu un izmēru pikseļos.
signature-original-alt = Augšupielādētais attēls
signature-rect = Taisnstūris attēla pikseļos
rect-x = No kreisās malas
rect-y = No augšmalas
rect-width = Platums
rect-height = Augstums
rect-not-a-number = Ierakstiet veselu pikseļu skaitu (0 vai vairāk).
signature-cut = Rādīt četrus variantus
signature-step-3 = 3. solis no 3: izvēlieties variantu un aktivizējiet to
signature-variant = Variants
variant-AS_IS = Kā ir
variant-GREYSCALE = Pelēktoņu
variant-BLACK_AND_WHITE = Melnbalts
variant-TRANSPARENT = Caurspīdīgs fons
signature-name = Nosaukums
signature-name-hint = Lai to atšķirtu sarakstos, piemēram, "Direktores paraksts". Apliecinājumā drukā kontaktpersonu no pamatdatiem.
signature-kind = Tas ir
kind-signature = Paraksts
kind-stamp = Zīmogs
signature-make-default-check = Padarīt par noklusēto
signature-make-default-hint = Pirmais paraksts un pirmais zīmogs tik un tā kļūst par noklusētajiem.
signature-activate = Aktivizēt
document-signatures = Paraksts un zīmogs šajā apliecinājumā
document-signatures-hint = Pietiek ar vienu parakstu, nosūtītājorganizācijas vai uzņēmējorganizācijas. "Neviens" atstāj lauku tukšu, piemēram, parakstīšanai uz papīra.
signature-choice-default = Noklusētais ({ $name })
signature-choice-no-default = Noklusētais (nav saglabāts)
signature-choice-empty = Neviens: atstāt lauku tukšu
signatures-manage = Pārvaldīt parakstus un zīmogus
access-host-first-login = Uzņēmējorganizācija pirmo reizi pieteicās { $date }.
access-host-not-yet = Uzņēmējorganizācija vēl nav pieteikusies ar paroli, kas nosūtīta no šī dokumenta.
preview-alt = Apliecinājuma pirmā lappuse, kā tā tiks izdrukāta
preview-caption = Pirmā lappuse, kā PDF to tagad izdrukās (noklikšķiniet, lai palielinātu).
copy-preview-button = Skatīt, kas mainīsies
copy-preview-title = Kopēšana: kas mainīsies
copy-preview-from = Vērtības ņem no dokumenta { $number }; katrs zemāk redzamais dokuments tās saņem kā savas.
copy-preview-choose = Izvēlieties vismaz vienu lauku un vienu dokumentu.
copy-preview-field = Lauks
copy-preview-now = Tagad
copy-preview-after = Pēc kopēšanas
copy-preview-empty = nav aizpildīts
copy-preview-same = (tas pats)
copy-preview-back = Atpakaļ uz dokumentu

## Atsaukšana (NEC) un publiskā pārbaude (issue 23)

revoke-title = Atsaukt apliecinājumu
revoke-intro = Atsaukts apliecinājums ikvienam, kas to pārbauda, tiek rādīts kā atsaukts, ar iemeslu; tā PDF un digitālie akreditācijas dati vairs netiek izsniegti. To nevar atcelt.
revoke-reason = Iemesls (redzams ikvienam, kas pārbauda apliecinājumu)
revoke-confirm = Apstiprinu, ka apliecinājums { $number } ir jāatsauc neatgriezeniski.
revoke-button = Atsaukt neatgriezeniski
revoke-not-confirmed = Atzīmējiet apstiprinājumu, lai atsauktu.
revoked-notice = Apliecinājums ir atsaukts.
revoked-on = Atsaukts { $date }: { $reason }
verification-link = Publiskās pārbaudes saite (QR kods apliecinājumā):
verify-title = Pārbaudīt Europass mobilitātes apliecinājumu
verify-intro = Ievadiet Europass numuru un pārbaudes kodu, kas uzdrukāts blakus QR kodam apliecinājuma pirmajā lappusē, vai noskenējiet QR kodu.
verify-number = Europass numurs
verify-number-hint = Piemēram, LV/2026/000123-2.
verify-code = Pārbaudes kods
verify-code-hint = 10 burti un cipari, piemēram, 7KQ2M-X9D4T.
verify-button = Pārbaudīt
verify-file-title = Vai pārbaudiet datni
verify-file-drop = Ievelciet šeit apliecinājuma PDF vai tā digitālos akreditācijas datus (.json) vai izvēlieties datni.
verify-file-button = Pārbaudīt datni
verify-file-missing = Izvēlieties pārbaudāmo PDF vai akreditācijas datu datni.
verify-authentic = Autentisks: šo apliecinājumu izsniedza reģistrs, un tas ir spēkā.
verify-compare = Salīdziniet šīs ziņas ar apliecinājumu, kas jums ir.
verify-try-out = Šis ir Europass izmēģinājuma vingrinājums, nevis apliecinājums.
verify-revoked = Atsaukts: šis apliecinājums vairs nav derīgs.
verify-revoked-on = Nacionālais Europass centrs to atsauca { $date }. Iemesls: { $reason }
verify-erased = Apliecinājuma turētāja personas dati ir dzēsti.
verify-erased-text = Apliecinājums { $number } tika izsniegts, bet tā turētāja personas dati kopš tā laika ir dzēsti; tā ziņas vairs nevar apstiprināt.
verify-unknown = Šāda apliecinājuma nav.
verify-unknown-text = Apliecinājums ar šo numuru un pārbaudes kodu nav izsniegts. Pārbaudiet abus pēc apliecinājuma.
verify-holder = Turētājs
verify-issued = Izsniegts
verify-issuer = Izsniedza
verify-sending = Nosūtītāja organizācija
verify-host-country = Uzņēmējvalsts
verify-period = Laikposms
verify-kind-pdf = Šis PDF ir tieši tas, ko izsniedza reģistrs.
verify-kind-credential = Šiem digitālajiem akreditācijas datiem ir reģistra zīmogs, un to saturs nav mainīts.
verify-development-seal = Tie ir apzīmogoti ar reģistra izstrādes zīmogu: tā ir testa instalācija, nevis Nacionālā Europass centra zīmogs.
verify-file-not-ours = Šo datni reģistrs nav izsniedzis.
verify-file-not-ours-text = Datne ir mainīta, vai tā nav šī reģistra Europass mobilitātes apliecinājums vai akreditācijas dati.
nav-verify = Pārbaudīt apliecinājumu
download-credential = Lejupielādēt apzīmogotos Eiropas digitālos akreditācijas datus (.json)
verification-open = Pārbaudīt to, kā to redz ikviens (QR koda lapa)
