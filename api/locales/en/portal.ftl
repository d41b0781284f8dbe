# The portal's texts in English. Every key has its Latvian twin in ../lv/portal.ftl.
app-name = Europass Mobility register
skip-to-content = Skip to the content
nav-label = Main menu
nav-home = Home
nav-request = Request mobility
nav-institution = Institution and users
nav-queue = Requests to decide
nav-password = Change password
nav-login = Log in
nav-register = Register an institution
session-left = Session ends in
logout = Log out
footer = National Europass Centre of Latvia · API for portals
required = required
choose = — choose —
save = Save
yes = Yes
no = No
remove = Remove
actions = Actions
back-home = Back to the home page
page-failed = The page could not be shown
form-has-errors = Please correct the following
form-expired-title = The form has expired
form-expired = Nothing was saved: the form was open too long or came from another site.
form-expired-again = Open the page again and repeat.
month-1 = January
month-2 = February
month-3 = March
month-4 = April
month-5 = May
month-6 = June
month-7 = July
month-8 = August
month-9 = September
month-10 = October
month-11 = November
month-12 = December

login-title = Log in
login = Log in
field-email = E-mail
field-password = Password
forgot-password = Forgot your password?
no-account = Your institution has no account yet?
session-expired = Your session ended after 20 minutes without activity. Please log in again.
logged-out = You have logged out.
password-was-reset = Your password has been changed. Log in with the new password.

register-title = Register an institution
register-intro = Schools, universities and training providers register once. We e-mail a confirmation link to the address you give; it works for 48 hours.
field-institution-name = Official name of the institution
register-email-hint = This e-mail becomes the login of the institution's primary user.
register = Register
check-your-mail = Check your e-mail
link-sent = We have sent a confirmation link to { $email }. It works until { $until }.
link-sent-next = Open the link to confirm the registration: your password is shown there once.
resend-link = Lost the e-mail? Ask for a new confirmation link
resend-title = A new confirmation link
resend-intro = Give the e-mail the institution registered with. Earlier links stop working.

confirm-title = Confirm the registration
confirm-intro = Confirm the registration of your institution in the Europass Mobility register. Your password is shown once on the next page.
confirm = Confirm
confirmed-title = Registration confirmed
confirmed-intro = Your institution's account is ready. Log in with:
password-shown-once = Write the password down now: it is shown only once.
go-to-login = Go to the login page
confirm-failed-title = The registration could not be confirmed

forgot-title = Forgotten password
forgot-intro = Give your login e-mail. If it has an account, we e-mail a link for choosing a new password; it works for 2 hours.
send-reset = Send the link
reset-sent = If this e-mail has an account, a link has been sent to it.
reset-title = Choose a new password
field-new-password = New password
field-current-password = Current password
set-password = Set the password
password-rules = A password has 10 to 200 characters, at least 5 of them different, and may not be your e-mail or a common password.
change-password-title = Change password
change-password = Change the password
change-emailed-password = You logged in with an e-mailed password: please choose your own now.
password-changed = Your password has been changed.

home-title = Home
home-external = Your documents are opened from the links in the e-mails you received.
next-steps = Next steps
step-done = done
step-blocked = available once the base data are complete
step-in-part-2 = coming to the portal soon
your-mobilities = Your mobilities
no-mobilities = No mobility has been requested yet.
mobility-title = Procedure { $procedure }: { $start } – { $end }
participants-count = { $count ->
    [one] { $count } participant
   *[other] { $count } participants
}
documents-pending = { $count ->
    [one] { $count } document waiting for the NEC
   *[other] { $count } documents waiting for the NEC
}
requested-at = Requested
status-pending = Waiting for the NEC
status-approved = Approved
status-rejected = Rejected

institution-title = Institution and users
base-data = Base data
base-data-missing = Still missing:
base-data-saved = The base data have been saved.
field-name = Name
field-address = Address
field-country = Country
country-hint = Two-letter country code, e.g. LV.
field-contactPerson = Contact person
field-contactPosition = Contact person's position
contact-person-hint = Printed in section 3 and, with the position, beside the sending organisation's signature.
field-phone = Phone
field-institution-email = Institution's e-mail
field-website = Website
users = Additional users
users-rule = Besides the primary user, an institution may have { $limit ->
    [one] { $limit } additional user
   *[other] { $limit } additional users
}. Each gets their own password by e-mail.
users-count = { $count ->
    [one] { $count } user
   *[other] { $count } users
}
no-users = No additional users yet.
field-user-name = Name
added-at = Added
add-user = Add a user
user-email-hint = The user's login; the password is e-mailed to it.
user-added = The user has been added and has been e-mailed a password.
user-removed = The user has been removed.
remove-user-named = Remove { $name }

request-title = Request Europass Mobility
conditions-title = Conditions of use
conditions-1 = Europass Mobility documents record learning abroad that is organised by a sending institution and a host organisation, with agreed learning outcomes, a mentor and quality assurance.
conditions-2 = The institution keeps the participants' personal data only for issuing the documents, enters truthful data, and has each document signed by authorised persons.
conditions-3 = The National Europass Centre may check the data and decline a request that does not meet the conditions.
field-acceptConditions = I accept the conditions of use
field-issuer = Issuer
try-out-hint = For trying the register: approved at once; everything is deleted after 24 hours.
field-procedure = Procedure
host-countries = Host countries allowed for each procedure
host-countries-of = Procedure { $procedure } ({ $count } countries):
field-programme = Programme
procedure-a-only = Procedures A and C.
procedure-c-only = Procedure C.
procedure-ac-only = Procedures A and C: the project number, or the programme's document number.
procedure-b-only = Procedure B: a short description of the project (keywords).
field-projectNumber = Project number
field-description = Project description
field-qualityCriteriaConfirmed = I confirm that all quality criteria have been met (procedure B)
field-participants = Number of participants
participants-hint = One document per participant, 1 to 500.
field-startDate = First day of the mobility
field-endDate = Last day of the mobility
ten-weeks-rule = A mobility can be requested at most 10 weeks (70 days) before it starts; a mobility that has already ended can be requested too.
field-foldersByPost = Send a Europass document folder by post for each participant
send-request = Send the request
requested-nec = The request has been sent to the National Europass Centre. You will get an e-mail when it decides (usually within 48 hours).
requested-try-out = The Try Out request has been approved at once. Everything it created is deleted after 24 hours.

institution = Institution
period = Period
decided-at = Decided
rejection-reason = Reason for rejection
waiting = Waiting
hours = { $count ->
    [0] less than an hour
    [one] { $count } hour
   *[other] { $count } hours
}
overdue = overdue (48 hours or more)
decision = Decision
decision-saved = The decision has been saved and e-mailed to the institution.
approve = Approve
reject = Reject
field-rejection-reason = Reason for rejection
rejection-hint = In words the institution can act on; it is e-mailed to them.
reject-with-reason = Reject with a reason
approve-request-of = Approve the request of { $institution }: { $request }
documents = Documents
no-documents-yet = The documents are created when the NEC approves the request.
no-documents-rejected = The request was rejected; no documents were created.
documents-complete = { $complete } of { $count } documents complete.
download-zip = Download all certificates (ZIP)
europass-number = Europass number
holder = Holder
holder-unknown = not entered yet
completeness = Completeness
complete = complete
missing-count = { $count ->
    [one] { $count } field missing
   *[other] { $count } fields missing
}
missing-which = Which fields
certificate = Certificate
download-pdf = Download PDF
pdf-when-complete = available when complete

queue-title = Requests to decide
queue-intro = { $count ->
    [one] { $count } request is waiting, oldest first.
   *[other] { $count } requests are waiting, oldest first.
}
queue-empty = No request is waiting.
request = Request
approved-notice = The request has been approved and its documents created; the institution has been told by e-mail.
next-page = Next page
date-invalid = Enter the date as year-month-day, e.g. 2026-12-01.
date-missing = Choose the date.
request-needs-base-data = Complete the base data of your institution first: they appear as the sending institution in every document.
resend-button = Send a new link
field-userName = Name
field-userEmail = E-mail
field-programmeA = Programme
field-programmeC = Programme
field-newPassword = New password
field-currentPassword = Current password
field-reason = Reason for rejection
not-found-title = Page not found
not-found = There is no page at this address. It may have moved, or the link may be mistyped.

# A document (issue 22)
document-title = Document { $number }
section-saved = Saved.
certificate-language = Language of the certificate
sections = Sections of the document
section-personalData = Personal data
section-hostOrganisation = Host organisation
section-project = Project
section-learningOutcomes = Learning outcomes
save-section = Save this section
field-surname = Surname(s)
field-firstName = First name(s)
field-dateOfBirth = Date of birth
field-nationality = Nationality
field-organisationType = Type of organisation
field-organisationTypeOther = Other type (when the list has none that fits)
field-mentorFirstName = Mentor's first name(s)
field-mentorLastName = Mentor's surname(s)
field-position = Mentor's position
field-objective = Objective of the mobility
field-qualification = Qualification the learning leads to
field-stay = Kind of stay
field-purpose = Purpose of the stay
field-purposeOther = Other purpose (when the list has none that fits)
field-activities = Activities and tasks carried out
field-jobRelatedSkills = Job-related skills acquired
field-languageSkills = Language skills (CEFR levels)
field-digitalSkills = Digital skills acquired
field-organisationalSkills = Organisational skills acquired
field-communicationSkills = Communication skills acquired
field-otherSkills = Other skills acquired
participant-email-hint = The participant's e-mail: their login once they are given access.
host-email-hint = The host organisation sees this document when it logs in with this e-mail.
other-hint = Used when no type is chosen above.
activities-hint = What the participant did, as it should read on the certificate.
stay-physical = Abroad, in person
stay-virtual = Online (virtual mobility)
stay-unset = Not stated
language-n = Language { $n }
cefr-listening = Listening
cefr-reading = Reading
cefr-spokenInteraction = Spoken interaction
cefr-spokenProduction = Spoken production
cefr-writing = Writing
open-document = Open
your-documents = Your documents
incomplete = incomplete
access-title = Who else works on this document
access-host = The host organisation
access-host-no-email = Enter the host's e-mail in the host organisation section first.
access-host-send = The host logs in with { $email } and fills the host organisation, project and learning outcomes.
access-host-button = Send the password to the host
access-participant = The participant
access-participant-no-email = Enter the participant's e-mail in the personal data first.
access-participant-give = The participant logs in with { $email } and fills their personal data and learning outcomes.
access-participant-button = Give the participant access
access-participant-given = Access given to { $email }.
access-locked-from = Locked from { $date }: the participant can read but no longer change the document.
access-lock-from = Lock from
access-lock = Lock
access-unlock = Unlock
participant-locked-since = The document was locked on { $date }: you can read it but no longer change it.
copy-title = Copy fields of this section to other documents
copy-fields = Fields to copy
copy-targets = To these documents of the mobility
copy-hint = The chosen fields of the other documents are replaced with this document's values (an empty value empties them).
copy-button = Copy
copied = { $count ->
    [one] Copied to { $count } document.
   *[other] Copied to { $count } documents.
}
esco-title = Find skills and occupations in ESCO
esco-hint = Save your changes first: the search opens this section again. A found item's name is added to the field you choose.
esco-search = Search
esco-kind = In
esco-skills = skills
esco-occupations = occupations
esco-find = Find
esco-none = Nothing found; try part of a word.
esco-add-to = Add to
esco-add = Add text
nav-search = Search documents
search-title = Search documents
search-number-hint = A part of the number is enough, e.g. 2026/0001.
search-any = any
search-none = No document matches.
history = History
history-title = History of { $number }
timeline = What happened, oldest first
copied-from = copied from
the-source = the source document
as-of-title = The document as of a moment
as-of-moment = Moment (UTC)
as-of-show = Show beside today
field = Field
today = Today
issued-certificates = Issued certificates
no-certificates = No certificate has been issued yet.
template = template
verify = Verify
verify-matches = The certificate can be produced again byte for byte (template { $version }).
verify-differs = The certificate cannot be produced again from the stored data (template { $version }); see the timeline for what changed.
erase-title = Erase the participant's personal data
erase-intro = The personal data are made unreadable for good (their key is destroyed); the history keeps that they existed. Certificates can no longer be produced.
erase-reason = Reason (kept in the audit)
erase-confirm = I confirm that the personal data of document { $number } are to be erased for good.
erase-button = Erase for good
erase-not-confirmed = Tick the confirmation to erase.
erased-notice = The participant's personal data have been erased.
event-DocumentCreated = Document created
event-PersonalDataSaved = Personal data saved
event-HostOrganisationSaved = Host organisation saved
event-ProjectSaved = Project saved
event-LearningOutcomesSaved = Learning outcomes saved
event-CopyReceived = Fields copied in
event-LanguageChanged = Certificate language changed
event-SignatureChosen = Signature or stamp chosen
event-ParticipantAccessGranted = Participant given access
event-ParticipantAccessLocked = Participant's access locked
event-ParticipantAccessUnlocked = Participant's access unlocked
event-ParticipantDataErased = Personal data erased
event-CertificateIssued = Certificate issued
role-institution_user = institution
role-nec = NEC
role-host = host organisation
role-participant = participant
role-anonymous = anonymous
role-operator = operator
role-system = the register
photo-title = Photograph
photo-none = No photo yet
photo-alt = The holder's photograph
photo-choose = Choose a photograph
photo-hint = PNG or JPEG, at most 5 MB; it is printed on the certificate.
photo-upload = Upload the photo
photo-replace = Replace the photo
photo-remove = Remove the photo
photo-missing = Choose a PNG or JPEG file first.
event-MobilityRequested = Mobility requested
event-MobilityApproved = Mobility approved
event-MobilityRejected = Mobility rejected
event-MoreDocumentsRequested = More documents requested
access-group-button = Give every participant access
access-group-done = { $count ->
    [one] { $count } participant has been given access and e-mailed a password.
   *[other] { $count } participants have been given access and e-mailed a password.
}
copied-what = { $fields } → { $documents }
as-of-invalid = Enter the moment as a date and a time, e.g. 2026-11-02 09:10.

## Signatures and stamps (R-SIGN)

nav-signatures = Signatures and stamps
signatures-title = Signatures and stamps
signatures-intro = The default signature and the default stamp go into every certificate issued from now on. A document may choose another one, or none: one signature, sending or host, is enough.
signatures-none = No signature or stamp is stored yet.
signature-saved = Saved.
signature-default = default
signature-new-name = Name
signature-rename = Rename
signature-make-default = Make default
signature-make-default-named = Make { $name } the default
signature-remove-named = Remove { $name }
signature-step-1 = Add a signature or stamp: step 1 of 3, choose an image
signature-file = Image file
signature-file-hint = A PNG or JPEG scan or photo of the signature or stamp on white paper.
signature-file-missing = Choose an image file first.
signature-upload = Upload
signatures-back = Back to signatures and stamps
signature-new-title = New signature or stamp
signature-step-2 = Step 2 of 3: mark the signature on the image
signature-draw-hint = Draw a rectangle around the signature with the mouse, or type its position and size in pixels below.
signature-original-alt = The uploaded image
signature-rect = The rectangle, in pixels of the image
rect-x = From the left
rect-y = From the top
rect-width = Width
rect-height = Height
rect-not-a-number = Enter a whole number of pixels (0 or more).
signature-cut = Show the four variants
signature-step-3 = Step 3 of 3: choose a variant and activate it
signature-variant = Variant
variant-AS_IS = As it is
variant-GREYSCALE = Grey
variant-BLACK_AND_WHITE = Black and white
variant-TRANSPARENT = Transparent background
signature-name = Name
signature-name-hint = To tell it apart in lists, e.g. "Director's signature". The certificate prints the contact person from the base data.
signature-kind = It is a
kind-signature = Signature
kind-stamp = Stamp
signature-make-default-check = Make it the default
signature-make-default-hint = The first signature and the first stamp become the default anyway.
signature-activate = Activate
document-signatures = Signature and stamp on this certificate
document-signatures-hint = One signature, the sending organisation's or the host's, is enough. "None" leaves the box empty, e.g. to sign on paper.
signature-choice-default = The default ({ $name })
signature-choice-no-default = The default (none stored)
signature-choice-empty = None: leave the box empty
signatures-manage = Manage signatures and stamps
access-host-first-login = The host first logged in on { $date }.
access-host-not-yet = The host has not logged in yet with a password sent from this document.
preview-alt = The first page of the certificate as it will be printed
preview-caption = First page, as the PDF will print it now (click to enlarge).
