/* texts.c - see texts.h. */
#include "incident/texts.h"

#include <stdio.h>
#include <string.h>

#include "core/access.h"
#include "core/civil.h"
#include "incident/affected.h"
#include "core/banned.h"

static const char *const LABELS[AFF_FIELDS] = {
	[AFF_IDENTIFIER] = "votre numéro de sécurité sociale",
	[AFF_NAME] = "vos nom et prénoms",
	[AFF_GENDER] = "votre sexe",
	[AFF_BIRTH_DATE] = "votre date de naissance",
	[AFF_BIRTH_YEAR] = "votre année de naissance",
	[AFF_COVERAGE] = "vos droits à l'assurance maladie (couverture, dates, organisme)",
	[AFF_BENEFITS] = "le détail de vos prises en charge",
	[AFF_OTHER] = "d'autres informations administratives de votre dossier",
};

const char *texts_field_label(int field)
{
	return field >= 0 && field < AFF_FIELDS ? LABELS[field] : LABELS[AFF_OTHER];
}

void texts_fields_phrase(uint32_t fields, char *out, size_t cap)
{
	int n = 0, k = 0;
	size_t len = 0;

	out[0] = '\0';
	for (int f = 0; f < AFF_FIELDS; f++)
		n += (fields >> f) & 1;
	for (int f = 0; f < AFF_FIELDS && len < cap; f++) {
		if (!((fields >> f) & 1))
			continue;
		k++;
		len += (size_t)snprintf(out + len, cap - len, "%s%s",
		                        k == 1   ? ""
		                        : k == n ? " et "
		                                 : ", ",
		                        LABELS[f]);
	}
	if (len >= cap && cap > 0)
		out[cap - 1] = '\0';
}

static const char *const MONTHS[12] = { "janvier",   "février", "mars",     "avril",
	                                "mai",       "juin",    "juillet",  "août",
	                                "septembre", "octobre", "novembre", "décembre" };

void texts_date_long(int64_t t_ms, char out[48])
{
	int64_t t = civil_floor_div(t_ms, 1000), y;
	int m, d;

	civil_date(civil_local_day(t, civil_paris_offset_min(t)), &y, &m, &d);
	if (d == 1) /* "Le 1er mars 2027" */
		snprintf(out, 48, TXT_LETTER_DATE_FIRST, MONTHS[m - 1], (long long)y);
	else
		snprintf(out, 48, TXT_LETTER_DATE, d, MONTHS[m - 1], (long long)y);
}

const char *texts_profession(int kind)
{
	switch (kind) {
	case PRO_PHARMACIST: return "pharmacien";
	case PRO_GP: return "médecin généraliste";
	case PRO_SPECIALIST: return "médecin spécialiste";
	case PRO_LAB: return "laboratoire d'analyses";
	case PRO_HOSPITAL: return "établissement de santé";
	}
	return "professionnel de santé";
}

void texts_time(int64_t t_ms, char out[8])
{
	int64_t t = civil_floor_div(t_ms, 1000);
	int64_t local = t + (int64_t)civil_paris_offset_min(t) * 60;
	int64_t sec = local - civil_floor_div(local, 86400) * 86400;

	snprintf(out, 8, "%02d:%02d", (int)(sec / 3600), (int)(sec / 60 % 60));
}
