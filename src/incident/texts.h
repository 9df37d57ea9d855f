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
/* What was seen, as one phrase ("votre numéro de sécurité sociale, vos nom et prénoms et ..."). */
void texts_fields_phrase(uint32_t fields, char *out, size_t cap);

#endif
