### Messages for the API's refusals and errors, shown to people by the portal.
###
### reason-<REASON>: one per stable `extensions.reason` the API returns.
### code-<CODE>: a generic message per `extensions.code`, for an error without a reason
### (or with a reason that has no message here).
###
### Variables: the portal passes none, except
###   reason-START_TOO_FAR_AHEAD  $start (the mobility's start date) and $earliest (the first
###                               day the request can be made), both dates formatted as text;
###   reason-USER_LIMIT_REACHED   $limit, the number of additional users allowed;
###   reason-THROTTLED, code-THROTTLED
###                               $seconds, from `extensions.retryAfterSeconds`;
###   code-INTERNAL               $reference, the request's correlation id.
### lv/errors.ftl has the same keys with the same variables (api/locales/check.py checks it).


## Generic messages by extensions.code

code-VALIDATION = Some of the data entered is not valid; check it and try again.
code-NOT_FOUND = What you are looking for was not found, or you do not have access to it.
code-EXPIRED = This link or session has expired; log in again or ask for a new link.
code-REJECTED = This cannot be done at the moment; reload the page and check the details.
code-FORBIDDEN = You do not have permission to do this.
code-UNAUTHENTICATED = You are not logged in or your session has ended; log in to continue.
code-CONFLICT = Someone else changed the same data at the same moment; reload the page and try again.
code-THROTTLED =
    Too many attempts in a short time; please try again in { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }.
code-MAIL_FAILED = The change was saved, but the e-mail could not be sent; please ask for it again later.
code-UNAVAILABLE = The service is temporarily unavailable; please try again in a few minutes.
code-INTERNAL = Something went wrong on our side; please try again, and if it happens again, contact the National Europass Centre (NEC) quoting the reference { $reference }.


## Logging in, sessions, passwords and links

reason-INVALID_CREDENTIALS = The e-mail address or password is wrong; check them and try again.
reason-THROTTLED =
    Too many attempts; please wait and try again in { $seconds ->
        [one] { $seconds } second
       *[other] { $seconds } seconds
    }.
reason-SESSION_EXPIRED = Your session ended after 20 minutes without activity; log in again (your saved data is kept).
reason-SESSION_UNKNOWN = You are not logged in or your session has ended; log in to continue.
reason-SESSION_NOT_PROVEN = Your session could not be confirmed; log in again.
reason-PASSWORD_EXPIRED = The password sent to you by e-mail has expired because it was not changed in time; ask for a new password.
reason-WRONG_PASSWORD = The current password is wrong; enter it again.
reason-WEAK_PASSWORD = The password must be 10 to 200 characters long; choose another password.
reason-PASSWORD_TOO_SIMPLE = The password must contain at least 5 different characters; choose a more varied password.
reason-PASSWORD_CONTAINS_EMAIL = The password must not contain your e-mail address or the part of it before the @; choose another password.
reason-PASSWORD_TOO_COMMON = This password is too common and easy to guess; choose another one.
reason-TOKEN_UNKNOWN = This link is not valid: it may have been used already or replaced by a newer one; use the latest link you received or ask for a new one.
reason-TOKEN_EXPIRED = This link has expired; ask for a new one.
reason-TOKEN_USED = This link has already been used; log in with the password that was shown when you opened it.
reason-ACCOUNT_NOT_FOUND = This account is no longer active; log in again, or contact NEC if the problem persists.
reason-ACCOUNT_CHANGED = The account was changed by someone else at the same moment; please try again.


## Registration, base data and users of an institution

reason-EMAIL_ALREADY_REGISTERED = This e-mail address is already registered; log in, ask for a new password, or use another address.
reason-EMAIL_BELONGS_TO_ANOTHER_ACCOUNT = This e-mail address already has an account of another kind; use another e-mail address.
reason-INSTITUTION_ALREADY_REGISTERED = This institution is already registered; ask one of its users to add you as a user of the institution.
reason-ALREADY_CONFIRMED = This registration is already confirmed; log in with your e-mail address and password.
reason-REGISTRATION_NOT_FOUND = No registration is waiting for confirmation for this e-mail address; check the address or register again.
reason-INSTITUTION_NOT_FOUND = The institution was not found, or you do not have access to it.
reason-COMPLETE_BASE_DATA = Complete your institution's base data first.
reason-USER_LIMIT_REACHED =
    An institution can have at most { $limit ->
        [one] { $limit } additional user
       *[other] { $limit } additional users
    }; remove an existing user before adding another.
reason-USER_NOT_FOUND = This user was not found among your institution's users; reload the page.
reason-NOT_AN_EXTERNAL_ROLE = Only host organisations and participants can be invited this way.


## Who may do what

reason-INSTITUTION_USERS_ONLY = Only users of an institution can do this.
reason-INSTITUTION_ONLY = Only the sending institution can do this.
reason-NEC_ONLY = Only NEC staff can do this.
reason-NOT_ALLOWED = You do not have access to this document.
reason-READ_ONLY = NEC staff can view documents but cannot change them.
reason-EDITOR_NOT_ALLOWED = You are not allowed to change this part of the document; if it needs changing, contact the sending institution.
reason-PARTICIPANT_ACCESS_LOCKED = The sending institution has locked your access to this document, so you can no longer make changes; contact the sending institution if something still needs changing.
reason-HOLDER_DETAILS_NOT_ALLOWED = Only the participant's name is shown to the host organisation.
reason-PARTICIPANT_ACCESS_NOT_ALLOWED = The host organisation cannot see the participant's access settings.
reason-PHOTO_NOT_ALLOWED = Only the sending institution and the participant can change the photo.
reason-FILE_NOT_ALLOWED = The participant's photo is not shown to the host organisation.
reason-AUDIT_NOT_ALLOWED = Only the sending institution and NEC staff can see this.
reason-CERTIFICATE_NOT_ALLOWED = Only the sending institution and NEC staff can get the certificate.
reason-ERASURE_NOT_ALLOWED = Only the sending institution and NEC staff can erase a participant's personal data.
reason-SIGNATURES_NOT_ALLOWED = Only institutions and host organisations can keep signatures and stamps.


## Requesting a mobility and the NEC's decision

reason-CONDITIONS_NOT_ACCEPTED = Accept the conditions by ticking the box before requesting a mobility.
reason-START_TOO_FAR_AHEAD = The mobility starts on { $start }, more than 10 weeks from now; you can submit the request from { $earliest } onwards.
reason-END_BEFORE_START = The end date cannot be before the start date; check both dates.
reason-PARTICIPANTS_OUT_OF_RANGE = Enter a number of participants from 1 to 500.
reason-UNKNOWN_ISSUER = Choose the issuing institution from the list: NEC Latvia or Europass Try Out.
reason-UNKNOWN_PROCEDURE = Choose procedure A, B or C.
reason-UNKNOWN_PROGRAMME = Choose a programme from the list for the selected procedure.
reason-INVALID_PROJECT_NUMBER = Check the project number: it may contain only letters, digits, spaces and the characters - _ . /
reason-QUALITY_CRITERIA_NOT_CONFIRMED = For procedure B, confirm that all quality criteria were met.
reason-MOBILITY_ALREADY_REQUESTED = This mobility has already been requested; find it in your list of mobilities.
reason-MOBILITY_NOT_FOUND = The mobility was not found, or you do not have access to it.
reason-MOBILITY_NOT_APPROVED = More documents can be requested only after NEC has approved the mobility.
reason-ALREADY_DECIDED = This request has already been approved or rejected; reload the page to see its current status.
reason-NO_MORE_DOCUMENTS_PENDING = No additional documents of this mobility are waiting for approval; reload the page.
reason-ALLOCATION_NOT_ALLOWED = Europass numbers for this request are assigned when NEC approves it; submit the request without numbers.
reason-ALLOCATION_REQUIRED = Europass numbers could not be assigned to the Europass Try Out request; please submit it again.
reason-NUMBER_COUNT_MISMATCH = The Europass numbers could not be assigned to the documents; please try again.
reason-WRONG_NUMBER_SERIES = A Europass number from the wrong number series was given; please try again.
reason-DUPLICATE_ALLOCATION = Every document needs its own Europass number; please try again.
reason-SERIES_MOVED = Another request received numbers at the same moment; please try again.
reason-SERIES_EXHAUSTED = No more Europass numbers are left in this number series; contact the register's administrator.


## Filling in documents

reason-DOCUMENT_NOT_FOUND = The document was not found, or you do not have access to it.
reason-DOCUMENT_ALREADY_CREATED = This document already exists with other data; reload the page.
reason-UNKNOWN_SECTION = This section of the document does not exist; reload the page.
reason-DATE_IN_FUTURE = The date of birth cannot be in the future; check the date.
reason-DATE_OUT_OF_RANGE = The date is outside the accepted range; check that the year is correct.
reason-UNKNOWN_ORGANISATION_TYPE = Choose the type of organisation from the list or enter it as free text.
reason-COUNTRY_OUT_OF_SCOPE = This country is outside the geographic scope of the mobility's procedure; choose an EU or EEA country (procedures A and C also allow Türkiye, North Macedonia and Serbia).
reason-UNKNOWN_PURPOSE = Choose the purpose of the stay from the list or enter it as free text.
reason-UNKNOWN_LANGUAGE = Choose a language from the list.
reason-LEVEL_REQUIRED = Give a level (A1 to C2) for at least one of listening, reading, spoken interaction, spoken production or writing.
reason-TOO_MANY_LANGUAGES = You can list at most 10 languages; remove the ones you do not need.
reason-DUPLICATE_LANGUAGE = This language is listed twice; remove one of the entries.
reason-UNKNOWN_DOCUMENT_LANGUAGE = Choose English or Latvian as the language of the document.
reason-HOST_EMAIL_MISSING = Save the host organisation's e-mail address first, then send the password.
reason-PARTICIPANT_EMAIL_MISSING = Enter and save the participant's e-mail address in the personal data before sending the password.
reason-DOCUMENT_COUNT_OUT_OF_RANGE = Select at least one document (and no more than 500).


## Copying data to other documents

reason-SECTION_NOT_COPYABLE = Personal data cannot be copied; only the host organisation, project and learning outcomes data can be copied to other documents.
reason-UNKNOWN_FIELD = One of the chosen fields does not exist in this section; reload the page and choose the fields again.
reason-FIELD_ERASED = Some of the chosen fields have been erased and cannot be copied; deselect them or fill them in again.
reason-COPY_FROM_ITSELF = Data cannot be copied into the same document; choose other documents to copy to.
reason-COPY_FROM_OTHER_MOBILITY = Data can be copied only between documents of the same mobility.
reason-TARGET_COUNT_OUT_OF_RANGE = Select at least one document to copy the data to (no more than 1000).
reason-TARGET_NOT_IN_MOBILITY = Data can be copied only to documents of the same mobility that you can edit; check the selected documents.


## Photos, signatures and stamps

reason-UNSUPPORTED_IMAGE_TYPE = The photo must be a JPEG or PNG image; upload it in one of these formats.
reason-NOT_AN_IMAGE = The file is not an image; upload a PNG or JPEG file.
reason-UNSUPPORTED_FORMAT = This image format is not accepted; upload a PNG or JPEG file.
reason-TOO_LARGE = The file is too large; upload an image of at most 5 MB.
reason-DIMENSIONS_OUT_OF_RANGE = The image is too small or too large in pixels; upload an image of a different size.
reason-CORRUPT_IMAGE = The image file is damaged or incomplete; save it again and upload a PNG or JPEG file.
reason-RECT_OUT_OF_BOUNDS = The selected area must lie inside the image and be at least 10 × 10 pixels; select it again.
reason-RECTANGLE_NOT_CHOSEN = First select the part of the image you want to use (step 2 of 3).
reason-FOUR_VARIANTS_REQUIRED = The signature could not be prepared; please select the part of the image again.
reason-UNKNOWN_VARIANT = Choose one of the four variants offered.
reason-SIGNATURE_NOT_FOUND = The signature or stamp was not found; upload it again or choose another one.
reason-EMPTY_OR_CHOSEN = Either choose a signature or leave the box empty, not both.
reason-FILE_NOT_FOUND = The file was not found; it may have been replaced or removed.


## Certificates

reason-DOCUMENT_INCOMPLETE = The certificate cannot be issued yet because some mandatory fields are empty; fill in the fields listed.
reason-NOT_PRINTABLE = The certificate cannot be printed with the data entered (for example, a text is too long or has a character that cannot be printed); correct the text and try again.
reason-LANGUAGE_MISMATCH = The language of the document was changed in the meantime; reload the page and create the certificate again.
reason-CERTIFICATE_NOT_FOUND = This certificate was not issued for this document; check the document and the certificate you selected.
reason-INVALID_SHA256 = The certificate's checksum (SHA-256) is not valid: it must be 64 characters, each 0–9 or a–f.
reason-INVALID_EUROPASS_NUMBER = This is not a valid Europass number; check it (for example, LV/2026/000123-2).


## Values entered in forms

reason-REQUIRED = Fill in this field.
reason-TOO_LONG = The text is too long; shorten it.
reason-INVALID_CHARACTERS = The text contains characters that cannot be printed on the certificate (such as emoji or invisible characters); remove them and try again.
reason-INVALID_EMAIL = Enter a valid e-mail address, such as name@example.com.
reason-INVALID_PHONE = Enter a valid phone number of 5 to 20 digits (it may start with +; spaces, hyphens and brackets are also allowed).
reason-INVALID_WEBSITE = Enter the website as a full address starting with http:// or https://.
reason-INVALID_COUNTRY = Enter the country as its two-letter code, e.g. LV or DE.
reason-INVALID_NAME = Enter a name that contains letters or digits.


## Technical problems of a page (a reload usually helps)

reason-INVALID_ID = The link or selection is not valid; go back and try again.
reason-INVALID_CURSOR = This position in the list is no longer valid; go back to the first page of the list.
reason-OUT_OF_RANGE = The number of items asked for is outside the allowed range; reload the page.
reason-CLIENT_MUTATION_ID_REUSED = This action was already sent with different data; reload the page and try again.
reason-INVALID_DOCUMENT = The server could not understand what the page sent; reload the page and try again.
reason-QUERY_TOO_COSTLY = The page asked for too much data at once; reload the page or show fewer items.
reason-TOO_MANY_ALIASES = The page sent too large a query; reload the page and try again.
reason-FRAGMENT_CYCLE = The page sent a query that cannot be processed; reload the page and try again.

## European Digital Credentials and public verification (issue 23)

reason-NOT_ISSUED = The certificate has not been issued yet: download its PDF first.
reason-PARTICIPANT_DATA_ERASED = The participant's personal data were erased: the certificate can no longer be produced.
reason-CERTIFICATE_REVOKED = The National Europass Centre revoked this certificate: it is no longer issued.
reason-INVALID_VERIFICATION_CODE = The verification code is the 10 letters and digits printed beside the QR code (for example, 7KQ2M-X9D4T).
