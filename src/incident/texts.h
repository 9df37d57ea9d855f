/*
 * texts.h - every French sentence vigie writes to people outside a page:
 * the regulator's draft (report.c) and the messages to the insured
 * (message.c: e-mail, letter, SMS). One catalogue, so that wording is
 * reviewed in one place; the pages have theirs under web/.
 *
 * Formats (%s, %lld, %zu) are part of each text's contract with its caller.
 */
#ifndef VIGIE_INCIDENT_TEXTS_H
#define VIGIE_INCIDENT_TEXTS_H

#include <stddef.h>
#include <stdint.h>

/* ---- the draft (report_draft) ---- */
#define TXT_DRAFT_TITLE                                                                            \
	"PROJET DE NOTIFICATION D'UNE VIOLATION DE DONNÉES À LA CNIL (RGPD, article 33)"
#define TXT_DRAFT_INCIDENT "Incident n° %lld : %s"
#define TXT_DRAFT_CLOCK                                                                            \
	"Ouvert le %s (heure de Paris) ; à notifier au plus tard le %s, 72 heures après "        \
	"la prise de connaissance (article 33, paragraphe 1)."
#define TXT_DRAFT_LATE                                                                              \
	"ATTENTION : le délai de 72 heures est dépassé de %lld heure(s) ; la notification doit " \
	"être accompagnée des motifs du retard."
#define TXT_DRAFT_NATURE_H "1. Nature de la violation"
#define TXT_DRAFT_NATURE                                                                              \
	"Des comptes de professionnels de santé, dont les identifiants ont été volés, ont servi " \
	"entre le %s et le %s à consulter le service de vérification des droits à "                \
	"l'assurance maladie."
#define TXT_DRAFT_ACCOUNTS "Comptes concernés (RPPS) :"
#define TXT_DRAFT_CONFIDENTIALITY                                                                   \
	"Il s'agit d'une violation de la confidentialité : des données ont été consultées ; "  \
	"aucune n'a été modifiée ni détruite. Le périmètre ci-dessous est établi depuis le " \
	"journal des accès, qui inscrit chaque consultation avant toute réponse."
#define TXT_DRAFT_CATEGORIES_H                                                                     \
	"2. Catégories et nombre approximatif de personnes et d'enregistrements"
#define TXT_DRAFT_PERSONS                                                                          \
	"Personnes concernées : environ %s (exactement %s), sous %s numéros de sécurité sociale."
#define TXT_DRAFT_RECORDS  "Enregistrements concernés : %s consultations ayant renvoyé des données."
#define TXT_DRAFT_FIELDS_H "Catégories de données consultées (nombre de personnes) :"
#define TXT_DRAFT_FULL     "Réponses complètes : %s consultations (%s personnes)."
#define TXT_DRAFT_MINIMISED                                                                        \
	"Réponses minimisées (ni nom, ni date de naissance complète) : %s consultations (%s "   \
	"personnes)."
#define TXT_DRAFT_UNCERTAIN                                                                                \
	"Dont %s personnes comptées par précaution : leur numéro a été consulté, une réponse a pu " \
	"ne porter que sur un autre ayant droit."
#define TXT_DRAFT_NOT_CONCERNED                                                                         \
	"Données non concernées : adresse postale, adresse électronique, téléphone, coordonnées " \
	"bancaires (ce service ne les renvoie jamais). Aucune donnée de santé."
#define TXT_DRAFT_CONSEQUENCES_H "3. Conséquences probables"
#define TXT_DRAFT_CONSEQUENCES                                                                      \
	"Hameçonnage ciblé : courriels, SMS et appels se présentant comme l'Assurance Maladie, " \
	"qui citent le numéro de sécurité sociale, le nom ou la date de naissance pour obtenir " \
	"un mot de passe, un code ou un paiement (« renouvelez votre carte Vitale ») ; "          \
	"usurpation d'identité auprès d'organismes qui se contentent de ces informations."
#define TXT_DRAFT_MEASURES_H "4. Mesures prises ou envisagées"
#define TXT_DRAFT_SUSPENDED  "- Comptes suspendus : %zu sur %zu."
#define TXT_DRAFT_JOURNAL                                                                          \
	"- Liste exacte des personnes établie depuis le journal (%s consultations, chacune "      \
	"prouvable par son reçu)."
#define TXT_DRAFT_MEASURES                                                                         \
	"- Information de chaque personne concernée par courriel et par courrier, sans aucun "    \
	"lien, avec un code qu'elle peut vérifier sur le site officiel ou dans son espace "       \
	"personnel.\n"                                                                             \
	"- Conseils aux personnes : se méfier des messages et des appels, ne jamais donner un "   \
	"mot de passe ou un code, vérifier sur le site officiel, surveiller leurs comptes.\n"     \
	"- Signalement des messages frauduleux reçus, suivi par l'équipe de sécurité."
#define TXT_DRAFT_CONTACT_H "5. Contact"
#define TXT_DRAFT_CONTACT_TODO                                                                     \
	"[à compléter : nom et coordonnées du délégué à la protection des données]"

/* ---- messages to the insured (message_compose, mail.c, letter.c) ---- */
#define TXT_MAIL_FROM_NAME "Assurance Maladie - vérification des droits"
#define TXT_LETTER_SENDER                                                                          \
	"Assurance Maladie\nService de vérification des droits\nNe répondez pas à ce courrier par téléphone à un numéro inconnu"
#define TXT_LETTER_DATE       "Le %d %s %lld"
#define TXT_LETTER_DATE_FIRST "Le 1er %s %lld"
#define TXT_LETTER_CODE       "Code du message"
#define TXT_LETTER_PAGE       "Page %d"

#define TXT_MSG_SUBJECT "Consultation de vos données d'assurance maladie : ce qui s'est passé"
#define TXT_MSG_HELLO   "Bonjour %s %s,"
#define TXT_MSG_WHAT                                                                               \
	"Entre le %s et le %s, des comptes de professionnels de santé dont les identifiants "     \
	"avaient été volés ont servi à consulter le service de vérification des droits à "   \
	"l'assurance maladie. Votre dossier fait partie de ceux qui ont été consultés."
#define TXT_MSG_WHAT_DAY                                                                             \
	"Le %s, des comptes de professionnels de santé dont les identifiants avaient été volés " \
	"ont servi à consulter le service de vérification des droits à l'assurance maladie. "     \
	"Votre dossier fait partie de ceux qui ont été consultés."
#define TXT_MSG_SEEN "Ce qui a été vu : %s."
#define TXT_MSG_NOT_SEEN                                                                            \
	"Ce qui n'a pas été vu : votre adresse, votre adresse électronique, votre téléphone, " \
	"vos coordonnées bancaires et vos données de santé."
#define TXT_MSG_DONE                                                                               \
	"Ce que nous avons fait : les comptes utilisés ont été suspendus, chaque consultation " \
	"est inscrite dans un journal qui ne peut pas être modifié, et la CNIL est informée."
#define TXT_MSG_TODO_H "Ce que nous vous conseillons :"
#define TXT_MSG_TODO                                                                                  \
	"- Méfiez-vous des appels, courriels et SMS qui citent votre numéro de sécurité sociale " \
	"ou votre date de naissance : les fraudeurs s'en servent pour paraître crédibles.\n"        \
	"- Ne donnez jamais un mot de passe, un code reçu par SMS ou vos coordonnées bancaires. "   \
	"Nous ne vous les demanderons jamais, et le renouvellement d'une carte Vitale ne se paie "    \
	"pas.\n"                                                                                      \
	"- Vérifiez toute démarche sur le site officiel, en tapant vous-même son adresse dans "    \
	"votre navigateur, jamais depuis un lien reçu.\n"                                            \
	"- Surveillez vos comptes et vos remboursements, et signalez toute opération inconnue."
#define TXT_MSG_CHECK                                                                               \
	"Ce message ne contient aucun lien. Pour vérifier qu'il vient bien de nous, saisissez ce " \
	"code sur la page « Vérifier un message » du site officiel, ou dans votre espace "       \
	"personnel :"
#define TXT_MSG_UNKNOWN_CODE                                                                       \
	"Si ce code n'est pas reconnu, ce message n'est pas de nous : ne répondez pas et "        \
	"signalez-le."
#define TXT_MSG_SIGN "Le service de vérification des droits à l'assurance maladie"
#define TXT_SMS                                                                                    \
	"Assurance Maladie : vos donnees ont ete consultees par des comptes voles. Un courrier "   \
	"vous explique tout. Aucun lien dans nos messages, ne donnez aucun code. Verifiez ce "     \
	"message sur le site officiel avec le code %s"

/* ---- an insured person's own account: e-mails (account_mail.c) ---- */
/* What stands for a one-time code in a message's stored copy (message_reveal). */
#define TXT_SECRET_WITHHELD     "[code retiré de cette copie]"
#define TXT_ACCT_WHEN           "le %s (heure de Paris)"
#define TXT_ACCT_FROM           "Depuis l'adresse %s, avec %s."
#define TXT_ACCT_FROM_NO_IP     "Avec %s, depuis une adresse inconnue."
#define TXT_ACCT_FROM_NONE      "Nous ne savons pas depuis quelle adresse ni avec quel appareil."
#define TXT_ACCT_CLIENT_UNKNOWN "un navigateur ou une application que nous ne reconnaissons pas"
#define TXT_ACCT_CLIENT_ON      "%s sous %s"
#define TXT_ACCT_NOT_YOU                                                                                \
	"Si ce n'était pas vous : quelqu'un connaît peut-être votre mot de passe. Tapez vous-même " \
	"l'adresse du site officiel dans votre navigateur, connectez-vous, puis dans votre espace "     \
	"personnel, rubrique « Sécurité », changez votre mot de passe et fermez toutes les "        \
	"sessions ; vous pouvez aussi y verrouiller votre compte. Si vous ne pouvez plus vous "         \
	"connecter, demandez un code de réinitialisation sur la page de connexion du site "            \
	"officiel."
#define TXT_ACCT_YOU "Si c'était bien vous, vous n'avez rien à faire."
#define TXT_ACCT_NEVER_ASK                                                                           \
	"Nous ne vous demanderons jamais votre mot de passe ni un code, ni par téléphone, ni par " \
	"courriel, ni par SMS."

#define TXT_ACCT_NEW_CLIENT_S "Nouvelle connexion à votre compte"
#define TXT_ACCT_NEW_CLIENT                                                                        \
	"Une connexion à votre compte a eu lieu %s depuis un appareil ou un navigateur que nous " \
	"ne connaissions pas pour vous."
#define TXT_ACCT_PASSWORD_S "Le mot de passe de votre compte a été changé"
#define TXT_ACCT_PASSWORD   "Le mot de passe de votre compte a été changé %s."
#define TXT_ACCT_TOTP_ON_S  "Double authentification activée sur votre compte"
#define TXT_ACCT_TOTP_ON                                                                           \
	"La double authentification (un code à six chiffres de votre application, en plus du "    \
	"mot de passe) a été activée sur votre compte %s."
#define TXT_ACCT_TOTP_OFF_S "Double authentification désactivée sur votre compte"
#define TXT_ACCT_TOTP_OFF                                                                               \
	"La double authentification a été désactivée sur votre compte %s : le mot de passe suffit " \
	"désormais pour s'y connecter."
#define TXT_ACCT_RECOVERY_S "Un code de secours de votre compte a été utilisé"
#define TXT_ACCT_RECOVERY                                                                            \
	"Un de vos codes de secours a servi %s à se connecter à votre compte à la place du code " \
	"de votre application. Chaque code de secours ne sert qu'une fois."
#define TXT_ACCT_CARD_S "Votre carte a été mise en opposition"
#define TXT_ACCT_CARD                                                                              \
	"Votre carte a été mise en opposition %s depuis votre compte : elle ne permet plus de "  \
	"prouver votre présence chez un professionnel de santé."
#define TXT_ACCT_LOCKED_S "Votre compte est verrouillé"
#define TXT_ACCT_LOCKED                                                                               \
	"Votre compte a été verrouillé %s : plus personne ne peut s'y connecter tant qu'il n'est " \
	"pas déverrouillé."
#define TXT_ACCT_UNLOCKED_S "Votre compte est déverrouillé"
#define TXT_ACCT_UNLOCKED   "Votre compte a été déverrouillé %s : on peut de nouveau s'y connecter."
#define TXT_ACCT_SESSIONS_S "Les sessions ouvertes sur votre compte ont été fermées"
#define TXT_ACCT_SESSIONS                                                                             \
	"Toutes les sessions ouvertes sur votre compte ont été fermées %s : chaque appareil doit " \
	"se connecter de nouveau."
#define TXT_ACCT_OTHER_S "Activité sur votre compte"
#define TXT_ACCT_OTHER                                                                             \
	"Une opération a eu lieu sur votre compte %s. Vous en trouverez le détail dans votre "   \
	"espace personnel, rubrique « Activité »."

#define TXT_ACCT_ACCESS_S    "Votre dossier a été consulté"
#define TXT_ACCT_ACCESS      "%s, %s, a consulté votre dossier d'assurance maladie."
#define TXT_ACCT_ACCESS_SEEN "Ce qui lui a été montré : %s."
#define TXT_ACCT_ACCESS_MINIMISED                                                                      \
	"C'était sans votre carte Vitale : la réponse a seulement vérifié votre numéro et votre " \
	"date de naissance, que ce professionnel connaissait, et donné vos droits de base ; ni "      \
	"votre nom, ni votre médecin traitant, ni vos prises en charge particulières (ALD, AME) "    \
	"ne lui ont été montrés."
#define TXT_ACCT_ACCESS_REFUSED                                                                     \
	"%s, %s, a tenté de consulter votre dossier d'assurance maladie. La consultation a été " \
	"refusée : rien ne lui a été montré."
#define TXT_ACCT_ACCESS_BLOCKED                                                                    \
	"%s, %s, a tenté de consulter votre dossier d'assurance maladie. Vous avez bloqué ce "   \
	"professionnel : rien ne lui a été montré."
#define TXT_ACCT_ACCESS_ENTRY "Cette consultation est l'entrée n° %lld du journal des accès."
#define TXT_ACCT_ACCESS_NOT_YOU                                                                          \
	"Si vous n'étiez pas chez ce professionnel à ce moment-là, dites-le nous : dans votre "       \
	"espace personnel, rubrique « Qui a consulté mon dossier », choisissez « Ce n'était pas "   \
	"moi » sur cette consultation. C'est le signal le plus fort pour notre équipe de sécurité. " \
	"Vous pouvez aussi y bloquer ce professionnel."
#define TXT_ACCT_PRO         "%s %s, %s à %s" /* given, family, profession, city */
#define TXT_ACCT_PRO_NO_CITY "%s %s, %s"
#define TXT_ACCT_PRO_UNKNOWN "un professionnel de santé (RPPS %s)"

#define TXT_ACCT_RESET_S "Votre code pour choisir un nouveau mot de passe"
#define TXT_ACCT_RESET                                                                               \
	"Vous avez demandé à choisir un nouveau mot de passe pour votre compte. Voici votre code " \
	"de réinitialisation, à usage unique :"
#define TXT_ACCT_RESET_UNTIL "Il est valable jusqu'au %s (heure de Paris), une seule fois."
#define TXT_ACCT_RESET_HOW                                                                           \
	"Tapez vous-même l'adresse du site officiel dans votre navigateur ; sur la page de "        \
	"connexion, choisissez « Mot de passe oublié » et saisissez votre numéro de sécurité " \
	"sociale, ce code et un nouveau mot de passe d'au moins 15 caractères."
#define TXT_ACCT_RESET_NOT_YOU                                                                     \
	"Si vous n'avez rien demandé, ne faites rien : votre mot de passe reste le même, et ce " \
	"code expirera."
#define TXT_ACCT_LOGIN_S "Votre code pour vous connecter depuis un nouvel appareil"
#define TXT_ACCT_LOGIN                                                                             \
	"%s, quelqu'un a saisi le bon mot de passe de votre compte depuis un appareil que vous "   \
	"n'aviez jamais utilisé. Pour terminer cette connexion, voici un code à usage unique :"
#define TXT_ACCT_LOGIN_HOW                                                                         \
	"Saisissez-le sur la page de connexion où vous l'attendez, avec votre mot de passe. Il "  \
	"n'est valable qu'une heure et une seule fois."
#define TXT_ACCT_LOGIN_NOT_YOU                                                                      \
	"Si ce n'était pas vous, ne donnez ce code à personne : quelqu'un connaît votre mot de " \
	"passe. Changez-le dans votre espace personnel depuis un appareil habituel, ou demandez "   \
	"« Mot de passe oublié » ; activez aussi la double authentification."

/* ---- enrolment and reset letters (vigie enrol, enrol.c) ---- */
#define TXT_ENROL_S "Votre code pour activer votre compte personnel"
#define TXT_ENROL                                                                                  \
	"Vous pouvez ouvrir votre compte personnel d'assurance maladie : vous y verrez qui a "     \
	"consulté votre dossier, vous pourrez signaler une consultation qui n'était pas vous, "  \
	"bloquer un professionnel, mettre votre carte en opposition et vérifier nos messages. "   \
	"Voici votre code d'activation, à usage unique :"
#define TXT_ENROL_HOW                                                                               \
	"Pour activer votre compte : sur le site officiel, rubrique « Créer mon compte », "      \
	"saisissez votre numéro de sécurité sociale, ce code, et un mot de passe d'au moins 15 " \
	"caractères. Tapez vous-même l'adresse du site dans votre navigateur."
#define TXT_ENROL_NOT_YOU                                                                             \
	"Si vous ne souhaitez pas de compte, ne faites rien : ce code expirera. Un nouveau courrier " \
	"rend celui-ci caduc."
#define TXT_RESET_S "Votre code pour choisir un nouveau mot de passe"
#define TXT_RESET                                                                                    \
	"Un nouveau mot de passe a été demandé pour votre compte personnel d'assurance maladie. " \
	"Voici votre code de réinitialisation, à usage unique :"
#define TXT_RESET_HOW                                                                                   \
	"Pour choisir un nouveau mot de passe : sur le site officiel, page de connexion, "              \
	"rubrique « Mot de passe oublié », saisissez votre numéro de sécurité sociale, ce code, " \
	"et un nouveau mot de passe d'au moins 15 caractères. Tapez vous-même l'adresse du site "     \
	"dans votre navigateur."
#define TXT_RESET_NOT_YOU                                                                          \
	"Si vous n'avez rien demandé, ne faites rien : votre mot de passe actuel reste valable, " \
	"et ce code expirera."
#define TXT_LETTER_UNTIL "Ce code est valable jusqu'au %s à %s (heure de Paris), une seule fois."
#define TXT_LETTER_NEVER_ASK                                                                          \
	"L'Assurance Maladie ne vous demandera jamais ce code, ni par téléphone, ni par courriel, " \
	"ni par SMS. Ne le donnez à personne, même à quelqu'un qui dit travailler pour nous."

/* ---- POST /verify ---- */
#define TXT_VERIFY_GENUINE                                                                         \
	"Ce code est authentique : ce message vient bien de nous. Son texte complet est dans "     \
	"votre espace personnel. Même ainsi, ne donnez jamais un mot de passe ou un code."
#define TXT_VERIFY_UNKNOWN                                                                         \
	"Ce code n'est pas reconnu : ce message ne vient probablement pas de nous. Ne répondez "  \
	"pas, ne cliquez sur aucun lien, n'appelez aucun numéro qu'il donne, et signalez-le."
#define TXT_REPORT_THANKS                                                                             \
	"Merci : votre signalement est transmis à l'équipe de sécurité. Supprimez le message et " \
	"ne donnez suite à aucune de ses demandes."

/* The words for a field of enum affected_field ("votre numéro de sécurité sociale", ...). */
const char *texts_field_label(int field);
/* "Le 2 décembre 2026": the day of t_ms in Paris, for letters. */
void texts_date_long(int64_t t_ms, char out[48]);
/* A profession in French ("pharmacien", "médecin généraliste"...), enum pro_kind. */
const char *texts_profession(int kind);
/* "14:05": the time of day of t_ms in Paris. */
void texts_time(int64_t t_ms, char out[8]);
/* What was seen, as one phrase ("votre numéro de sécurité sociale, vos nom et prénoms et ..."). */
void texts_fields_phrase(uint32_t fields, char *out, size_t cap);

#endif
