/*
 * popdata.c - see popdata.h. The tables come first, the samplers at the end.
 *
 * Sources (approximate, rounded): INSEE legal populations 2021 by department,
 * INSEE age pyramid 2024, INSEE surname counts of births 1891-1990, INSEE
 * given-name files by year of birth (weights here are rough popularity in
 * each band), INSEE 2022 immigrant population by country of birth.
 */
#include "sim/popdata.h"

#include <stdio.h>
#include <string.h>
#include "core/banned.h"

/* clang-format off: data tables, laid out by hand */
/* A department's towns as a static compound literal, with their count. */
#define TOWNS(...)                                                                                 \
	(const struct popdata_town[]){ __VA_ARGS__ },                                              \
	        (uint8_t)(sizeof((const struct popdata_town[]){ __VA_ARGS__ }) /                   \
	                  sizeof(struct popdata_town))
#define T(name, postal, kpop)                                                                      \
	{                                                                                          \
		name, postal, kpop, 0                                                              \
	}
#define TA(name, postal, kpop, narr)                                                               \
	{                                                                                          \
		name, postal, kpop, narr                                                           \
	}

/*
 * Departments in index order. max_commune bounds the commune numbers used for
 * NIR birth places (Paris births carry their arrondissement, 101-120; the
 * overseas departments use 2-digit commune numbers).
 */
const struct popdata_dept popdata_depts[POPDATA_N_DEPTS] = {
	{ /* 01 */ "Ain", 657856, 457,
	  TOWNS(T("Bourg-en-Bresse", "01000", 42), T("Oyonnax", "01100", 22),
	        T("Valserhône", "01200", 16), T("Ambérieu-en-Bugey", "01500", 14),
	        T("Gex", "01170", 13)) },
	{ /* 02 */ "Aisne", 529374, 810,
	  TOWNS(T("Laon", "02000", 24), T("Saint-Quentin", "02100", 53), T("Soissons", "02200", 28),
	        T("Château-Thierry", "02400", 14)) },
	{ /* 03 */ "Allier", 335975, 320,
	  TOWNS(T("Moulins", "03000", 19), T("Montluçon", "03100", 34), T("Vichy", "03200", 25)) },
	{ /* 04 */ "Alpes-de-Haute-Provence", 165451, 245,
	  TOWNS(T("Digne-les-Bains", "04000", 16), T("Manosque", "04100", 22),
	        T("Sisteron", "04200", 8)) },
	{ /* 05 */ "Hautes-Alpes", 141107, 190,
	  TOWNS(T("Gap", "05000", 41), T("Briançon", "05100", 11), T("Embrun", "05200", 6)) },
	{ /* 06 */ "Alpes-Maritimes", 1103941, 165,
	  TOWNS(T("Nice", "06000", 342), T("Cannes", "06400", 74), T("Antibes", "06600", 73),
	        T("Cagnes-sur-Mer", "06800", 52), T("Grasse", "06130", 50),
	        T("Menton", "06500", 30)) },
	{ /* 07 */ "Ardèche", 328278, 348,
	  TOWNS(T("Privas", "07000", 8), T("Annonay", "07100", 17), T("Aubenas", "07200", 12),
	        T("Tournon-sur-Rhône", "07300", 11)) },
	{ /* 08 */ "Ardennes", 268424, 500,
	  TOWNS(T("Charleville-Mézières", "08000", 46), T("Sedan", "08200", 16),
	        T("Rethel", "08300", 8)) },
	{ /* 09 */ "Ariège", 155044, 340,
	  TOWNS(T("Foix", "09000", 10), T("Pamiers", "09100", 16), T("Saint-Girons", "09200", 6)) },
	{ /* 10 */ "Aube", 310242, 430,
	  TOWNS(T("Troyes", "10000", 62), T("Romilly-sur-Seine", "10100", 14),
	        T("La Chapelle-Saint-Luc", "10600", 13)) },
	{ /* 11 */ "Aude", 374070, 440,
	  TOWNS(T("Carcassonne", "11000", 46), T("Narbonne", "11100", 55),
	        T("Castelnaudary", "11400", 11), T("Limoux", "11300", 10)) },
	{ /* 12 */ "Aveyron", 279595, 300,
	  TOWNS(T("Rodez", "12000", 25), T("Millau", "12100", 22),
	        T("Villefranche-de-Rouergue", "12200", 12), T("Decazeville", "12300", 5)) },
	{ /* 13 */ "Bouches-du-Rhône", 2043110, 120,
	  TOWNS(TA("Marseille", "13001", 870, 16), T("Aix-en-Provence", "13100", 147),
	        T("Arles", "13200", 51), T("Martigues", "13500", 49), T("Aubagne", "13400", 47),
	        T("Salon-de-Provence", "13300", 45)) },
	{ /* 14 */ "Calvados", 696355, 770,
	  TOWNS(T("Caen", "14000", 108), T("Hérouville-Saint-Clair", "14200", 22),
	        T("Lisieux", "14100", 20), T("Bayeux", "14400", 13)) },
	{ /* 15 */ "Cantal", 144379, 270,
	  TOWNS(T("Aurillac", "15000", 26), T("Saint-Flour", "15100", 6),
	        T("Mauriac", "15200", 4)) },
	{ /* 16 */ "Charente", 351603, 420,
	  TOWNS(T("Angoulême", "16000", 42), T("Cognac", "16100", 19), T("Soyaux", "16800", 10)) },
	{ /* 17 */ "Charente-Maritime", 655709, 480,
	  TOWNS(T("La Rochelle", "17000", 77), T("Saintes", "17100", 25),
	        T("Rochefort", "17300", 24), T("Royan", "17200", 19)) },
	{ /* 18 */ "Cher", 300655, 290,
	  TOWNS(T("Bourges", "18000", 64), T("Vierzon", "18100", 25),
	        T("Saint-Amand-Montrond", "18200", 9)) },
	{ /* 19 */ "Corrèze", 239663, 290,
	  TOWNS(T("Tulle", "19000", 14), T("Brive-la-Gaillarde", "19100", 46),
	        T("Ussel", "19200", 10)) },
	{ /* 2A */ "Corse-du-Sud", 160814, 362,
	  TOWNS(T("Ajaccio", "20000", 72), T("Porto-Vecchio", "20137", 12),
	        T("Propriano", "20110", 4), T("Sartène", "20100", 3)) },
	{ /* 2B */ "Haute-Corse", 182258, 366,
	  TOWNS(T("Bastia", "20200", 48), T("Biguglia", "20620", 9), T("Corte", "20250", 8),
	        T("Calvi", "20260", 5)) },
	{ /* 21 */ "Côte-d'Or", 534124, 740,
	  TOWNS(T("Dijon", "21000", 159), T("Beaune", "21200", 20), T("Chenôve", "21300", 14),
	        T("Talant", "21240", 11)) },
	{ /* 22 */ "Côtes-d'Armor", 600582, 390,
	  TOWNS(T("Saint-Brieuc", "22000", 44), T("Lannion", "22300", 20),
	        T("Lamballe-Armor", "22400", 17), T("Dinan", "22100", 15),
	        T("Guingamp", "22200", 7)) },
	{ /* 23 */ "Creuse", 115702, 290,
	  TOWNS(T("Guéret", "23000", 13), T("La Souterraine", "23300", 5),
	        T("Aubusson", "23200", 3)) },
	{ /* 24 */ "Dordogne", 413223, 590,
	  TOWNS(T("Périgueux", "24000", 30), T("Bergerac", "24100", 27),
	        T("Sarlat-la-Canéda", "24200", 9)) },
	{ /* 25 */ "Doubs", 543974, 630,
	  TOWNS(T("Besançon", "25000", 119), T("Montbéliard", "25200", 25),
	        T("Pontarlier", "25300", 18), T("Audincourt", "25400", 14)) },
	{ /* 26 */ "Drôme", 517709, 380,
	  TOWNS(T("Valence", "26000", 65), T("Montélimar", "26200", 40),
	        T("Romans-sur-Isère", "26100", 33)) },
	{ /* 27 */ "Eure", 599962, 710,
	  TOWNS(T("Évreux", "27000", 47), T("Vernon", "27200", 24), T("Louviers", "27400", 18),
	        T("Val-de-Reuil", "27100", 13)) },
	{ /* 28 */ "Eure-et-Loir", 431575, 420,
	  TOWNS(T("Chartres", "28000", 39), T("Dreux", "28100", 31), T("Lucé", "28110", 15),
	        T("Châteaudun", "28200", 13)) },
	{ /* 29 */ "Finistère", 915090, 300,
	  TOWNS(T("Quimper", "29000", 64), T("Brest", "29200", 140), T("Concarneau", "29900", 20),
	        T("Landerneau", "29800", 16), T("Morlaix", "29600", 15)) },
	{ /* 30 */ "Gard", 752739, 350,
	  TOWNS(T("Nîmes", "30000", 149), T("Alès", "30100", 43),
	        T("Bagnols-sur-Cèze", "30200", 18), T("Beaucaire", "30300", 16)) },
	{ /* 31 */ "Haute-Garonne", 1415757, 590,
	  TOWNS(T("Toulouse", "31000", 500), T("Colomiers", "31770", 40),
	        T("Tournefeuille", "31170", 29), T("Muret", "31600", 26), T("Blagnac", "31700", 25),
	        T("Saint-Gaudens", "31800", 11)) },
	{ /* 32 */ "Gers", 191377, 470,
	  TOWNS(T("Auch", "32000", 23), T("Condom", "32100", 7), T("Fleurance", "32500", 6)) },
	{ /* 33 */ "Gironde", 1654970, 560,
	  TOWNS(T("Bordeaux", "33000", 260), T("Mérignac", "33700", 72), T("Pessac", "33600", 66),
	        T("Talence", "33400", 44), T("Libourne", "33500", 25),
	        T("Arcachon", "33120", 11)) },
	{ /* 34 */ "Hérault", 1190836, 340,
	  TOWNS(T("Montpellier", "34000", 300), T("Béziers", "34500", 79), T("Sète", "34200", 44),
	        T("Agde", "34300", 29), T("Lunel", "34400", 27)) },
	{ /* 35 */ "Ille-et-Vilaine", 1092961, 360,
	  TOWNS(T("Rennes", "35000", 222), T("Saint-Malo", "35400", 47), T("Fougères", "35300", 20),
	        T("Vitré", "35500", 18), T("Cesson-Sévigné", "35510", 18)) },
	{ /* 36 */ "Indre", 217139, 250,
	  TOWNS(T("Châteauroux", "36000", 43), T("Issoudun", "36100", 11),
	        T("Le Blanc", "36300", 6)) },
	{ /* 37 */ "Indre-et-Loire", 612483, 280,
	  TOWNS(T("Tours", "37000", 137), T("Joué-lès-Tours", "37300", 38),
	        T("Amboise", "37400", 13), T("Chinon", "37500", 8)) },
	{ /* 38 */ "Isère", 1275822, 570,
	  TOWNS(T("Grenoble", "38000", 158), T("Saint-Martin-d'Hères", "38400", 38),
	        T("Échirolles", "38130", 37), T("Vienne", "38200", 30),
	        T("Bourgoin-Jallieu", "38300", 29), T("Voiron", "38500", 20)) },
	{ /* 39 */ "Jura", 258733, 590,
	  TOWNS(T("Lons-le-Saunier", "39000", 17), T("Dole", "39100", 23),
	        T("Saint-Claude", "39200", 9), T("Champagnole", "39300", 8)) },
	{ /* 40 */ "Landes", 418952, 330,
	  TOWNS(T("Mont-de-Marsan", "40000", 30), T("Dax", "40100", 21),
	        T("Biscarrosse", "40600", 15), T("Saint-Paul-lès-Dax", "40990", 13)) },
	{ /* 41 */ "Loir-et-Cher", 327835, 300,
	  TOWNS(T("Blois", "41000", 46), T("Romorantin-Lanthenay", "41200", 17),
	        T("Vendôme", "41100", 16)) },
	{ /* 42 */ "Loire", 765634, 340,
	  TOWNS(T("Saint-Étienne", "42000", 173), T("Saint-Chamond", "42400", 35),
	        T("Roanne", "42300", 34), T("Firminy", "42700", 17),
	        T("Montbrison", "42600", 16)) },
	{ /* 43 */ "Haute-Loire", 227570, 270,
	  TOWNS(T("Le Puy-en-Velay", "43000", 19), T("Monistrol-sur-Loire", "43120", 9),
	        T("Yssingeaux", "43200", 7), T("Brioude", "43100", 7)) },
	{ /* 44 */ "Loire-Atlantique", 1450514, 230,
	  TOWNS(T("Nantes", "44000", 320), T("Saint-Nazaire", "44600", 72),
	        T("Saint-Herblain", "44800", 48), T("Rezé", "44400", 43),
	        T("La Baule-Escoublac", "44500", 16)) },
	{ /* 45 */ "Loiret", 682890, 345,
	  TOWNS(T("Orléans", "45000", 116), T("Olivet", "45160", 22),
	        T("Fleury-les-Aubrais", "45400", 21), T("Montargis", "45200", 14),
	        T("Gien", "45500", 14)) },
	{ /* 46 */ "Lot", 174208, 340,
	  TOWNS(T("Cahors", "46000", 20), T("Figeac", "46100", 10), T("Gourdon", "46300", 4)) },
	{ /* 47 */ "Lot-et-Garonne", 331271, 330,
	  TOWNS(T("Agen", "47000", 32), T("Villeneuve-sur-Lot", "47300", 22),
	        T("Marmande", "47200", 18)) },
	{ /* 48 */ "Lozère", 76604, 200,
	  TOWNS(T("Mende", "48000", 12), T("Marvejols", "48100", 5),
	        T("Saint-Chély-d'Apcher", "48200", 4)) },
	{ /* 49 */ "Maine-et-Loire", 820713, 380,
	  TOWNS(T("Angers", "49000", 155), T("Cholet", "49300", 54), T("Saumur", "49400", 26),
	        T("Avrillé", "49240", 14)) },
	{ /* 50 */ "Manche", 491878, 660,
	  TOWNS(T("Saint-Lô", "50000", 19), T("Cherbourg-en-Cotentin", "50100", 78),
	        T("Granville", "50400", 13), T("Avranches", "50300", 10),
	        T("Coutances", "50200", 9)) },
	{ /* 51 */ "Marne", 565307, 660,
	  TOWNS(T("Châlons-en-Champagne", "51000", 45), T("Reims", "51100", 180),
	        T("Épernay", "51200", 22), T("Vitry-le-François", "51300", 12)) },
	{ /* 52 */ "Haute-Marne", 171017, 550,
	  TOWNS(T("Chaumont", "52000", 22), T("Saint-Dizier", "52100", 24),
	        T("Langres", "52200", 8)) },
	{ /* 53 */ "Mayenne", 307062, 270,
	  TOWNS(T("Laval", "53000", 49), T("Château-Gontier-sur-Mayenne", "53200", 17),
	        T("Mayenne", "53100", 13)) },
	{ /* 54 */ "Meurthe-et-Moselle", 732773, 590,
	  TOWNS(T("Nancy", "54000", 105), T("Vandœuvre-lès-Nancy", "54500", 29),
	        T("Lunéville", "54300", 18), T("Toul", "54200", 15)) },
	{ /* 55 */ "Meuse", 181641, 580,
	  TOWNS(T("Bar-le-Duc", "55000", 15), T("Verdun", "55100", 17),
	        T("Commercy", "55200", 5)) },
	{ /* 56 */ "Morbihan", 763255, 260,
	  TOWNS(T("Vannes", "56000", 54), T("Lorient", "56100", 57), T("Lanester", "56600", 23),
	        T("Pontivy", "56300", 15), T("Auray", "56400", 14)) },
	{ /* 57 */ "Moselle", 1049942, 760,
	  TOWNS(T("Metz", "57000", 120), T("Thionville", "57100", 41),
	        T("Montigny-lès-Metz", "57950", 21), T("Forbach", "57600", 21),
	        T("Sarreguemines", "57200", 20)) },
	{ /* 58 */ "Nièvre", 202332, 310,
	  TOWNS(T("Nevers", "58000", 33), T("Cosne-Cours-sur-Loire", "58200", 10),
	        T("Decize", "58300", 5)) },
	{ /* 59 */ "Nord", 2608346, 670,
	  TOWNS(T("Lille", "59000", 236), T("Roubaix", "59100", 99), T("Tourcoing", "59200", 98),
	        T("Dunkerque", "59140", 86), T("Villeneuve-d'Ascq", "59650", 62),
	        T("Valenciennes", "59300", 43), T("Douai", "59500", 40)) },
	{ /* 60 */ "Oise", 829419, 700,
	  TOWNS(T("Beauvais", "60000", 56), T("Compiègne", "60200", 41), T("Creil", "60100", 36),
	        T("Nogent-sur-Oise", "60180", 20), T("Senlis", "60300", 15)) },
	{ /* 61 */ "Orne", 276903, 500,
	  TOWNS(T("Alençon", "61000", 26), T("Flers", "61100", 15), T("Argentan", "61200", 13)) },
	{ /* 62 */ "Pas-de-Calais", 1458968, 900,
	  TOWNS(T("Arras", "62000", 42), T("Calais", "62100", 67),
	        T("Boulogne-sur-Mer", "62200", 40), T("Lens", "62300", 32),
	        T("Liévin", "62800", 30), T("Béthune", "62400", 25)) },
	{ /* 63 */ "Puy-de-Dôme", 662152, 480,
	  TOWNS(T("Clermont-Ferrand", "63000", 147), T("Cournon-d'Auvergne", "63800", 20),
	        T("Riom", "63200", 19), T("Issoire", "63500", 15), T("Thiers", "63300", 11)) },
	{ /* 64 */ "Pyrénées-Atlantiques", 687240, 560,
	  TOWNS(T("Pau", "64000", 76), T("Bayonne", "64100", 52), T("Anglet", "64600", 40),
	        T("Biarritz", "64200", 25)) },
	{ /* 65 */ "Hautes-Pyrénées", 229670, 480,
	  TOWNS(T("Tarbes", "65000", 41), T("Lourdes", "65100", 13),
	        T("Bagnères-de-Bigorre", "65200", 7)) },
	{ /* 66 */ "Pyrénées-Orientales", 482765, 230,
	  TOWNS(T("Perpignan", "66000", 120), T("Canet-en-Roussillon", "66140", 13),
	        T("Saint-Estève", "66240", 12), T("Argelès-sur-Mer", "66700", 11)) },
	{ /* 67 */ "Bas-Rhin", 1152662, 550,
	  TOWNS(T("Strasbourg", "67000", 290), T("Haguenau", "67500", 35),
	        T("Schiltigheim", "67300", 34), T("Illkirch-Graffenstaden", "67400", 27),
	        T("Sélestat", "67600", 19)) },
	{ /* 68 */ "Haut-Rhin", 767086, 380,
	  TOWNS(T("Colmar", "68000", 67), T("Mulhouse", "68100", 107),
	        T("Saint-Louis", "68300", 23), T("Wittenheim", "68270", 15)) },
	{ /* 69 */ "Rhône", 1883437, 300,
	  TOWNS(TA("Lyon", "69001", 522, 9), T("Villeurbanne", "69100", 154),
	        T("Vénissieux", "69200", 67), T("Vaulx-en-Velin", "69120", 52),
	        T("Caluire-et-Cuire", "69300", 43), T("Villefranche-sur-Saône", "69400", 37)) },
	{ /* 70 */ "Haute-Saône", 234783, 560,
	  TOWNS(T("Vesoul", "70000", 15), T("Héricourt", "70400", 10), T("Lure", "70200", 8),
	        T("Gray", "70100", 5)) },
	{ /* 71 */ "Saône-et-Loire", 550240, 590,
	  TOWNS(T("Mâcon", "71000", 33), T("Chalon-sur-Saône", "71100", 45),
	        T("Le Creusot", "71200", 21), T("Montceau-les-Mines", "71300", 18),
	        T("Autun", "71400", 13)) },
	{ /* 72 */ "Sarthe", 564412, 390,
	  TOWNS(T("Le Mans", "72000", 145), T("La Flèche", "72200", 15),
	        T("Sablé-sur-Sarthe", "72300", 12), T("Allonnes", "72700", 11)) },
	{ /* 73 */ "Savoie", 439750, 330,
	  TOWNS(T("Chambéry", "73000", 60), T("Aix-les-Bains", "73100", 31),
	        T("Albertville", "73200", 19), T("Saint-Jean-de-Maurienne", "73300", 8)) },
	{ /* 74 */ "Haute-Savoie", 834997, 320,
	  TOWNS(T("Annecy", "74000", 130), T("Annemasse", "74100", 37),
	        T("Thonon-les-Bains", "74200", 36), T("Cluses", "74300", 17),
	        T("Sallanches", "74700", 16)) },
	{ /* 75 */ "Paris", 2133111, 120, TOWNS(TA("Paris", "75001", 2133, 20)) },
	{ /* 76 */ "Seine-Maritime", 1254378, 760,
	  TOWNS(T("Rouen", "76000", 114), T("Le Havre", "76600", 166),
	        T("Sotteville-lès-Rouen", "76300", 29), T("Dieppe", "76200", 28),
	        T("Fécamp", "76400", 18)) },
	{ /* 77 */ "Seine-et-Marne", 1433173, 530,
	  TOWNS(T("Melun", "77000", 41), T("Meaux", "77100", 56), T("Chelles", "77500", 55),
	        T("Pontault-Combault", "77340", 38), T("Savigny-le-Temple", "77176", 30),
	        T("Fontainebleau", "77300", 15)) },
	{ /* 78 */ "Yvelines", 1451181, 690,
	  TOWNS(T("Versailles", "78000", 84), T("Sartrouville", "78500", 52),
	        T("Saint-Germain-en-Laye", "78100", 45), T("Mantes-la-Jolie", "78200", 44),
	        T("Poissy", "78300", 38), T("Montigny-le-Bretonneux", "78180", 32)) },
	{ /* 79 */ "Deux-Sèvres", 375393, 330,
	  TOWNS(T("Niort", "79000", 59), T("Bressuire", "79300", 19), T("Thouars", "79100", 14),
	        T("Parthenay", "79200", 10)) },
	{ /* 80 */ "Somme", 568872, 800,
	  TOWNS(T("Amiens", "80000", 134), T("Abbeville", "80100", 23), T("Albert", "80300", 10),
	        T("Péronne", "80200", 8)) },
	{ /* 81 */ "Tarn", 391080, 330,
	  TOWNS(T("Albi", "81000", 49), T("Castres", "81100", 42), T("Gaillac", "81600", 16),
	        T("Graulhet", "81300", 12)) },
	{ /* 82 */ "Tarn-et-Garonne", 263083, 200,
	  TOWNS(T("Montauban", "82000", 61), T("Castelsarrasin", "82100", 14),
	        T("Moissac", "82200", 13)) },
	{ /* 83 */ "Var", 1085615, 160,
	  TOWNS(T("Toulon", "83000", 180), T("La Seyne-sur-Mer", "83500", 63),
	        T("Hyères", "83400", 56), T("Fréjus", "83600", 55), T("Draguignan", "83300", 40),
	        T("Saint-Raphaël", "83700", 35)) },
	{ /* 84 */ "Vaucluse", 563751, 150,
	  TOWNS(T("Avignon", "84000", 91), T("Carpentras", "84200", 29), T("Orange", "84100", 29),
	        T("Cavaillon", "84300", 26), T("Pertuis", "84120", 20)) },
	{ /* 85 */ "Vendée", 694332, 310,
	  TOWNS(T("La Roche-sur-Yon", "85000", 55), T("Les Sables-d'Olonne", "85100", 48),
	        T("Challans", "85300", 22), T("Fontenay-le-Comte", "85200", 13)) },
	{ /* 86 */ "Vienne", 439467, 300,
	  TOWNS(T("Poitiers", "86000", 90), T("Châtellerault", "86100", 31),
	        T("Buxerolles", "86180", 10), T("Loudun", "86200", 7)) },
	{ /* 87 */ "Haute-Vienne", 372358, 210,
	  TOWNS(T("Limoges", "87000", 131), T("Saint-Junien", "87200", 11),
	        T("Panazol", "87350", 11), T("Couzeix", "87270", 9)) },
	{ /* 88 */ "Vosges", 359520, 530,
	  TOWNS(T("Épinal", "88000", 32), T("Saint-Dié-des-Vosges", "88100", 19),
	        T("Remiremont", "88200", 8), T("Gérardmer", "88400", 8)) },
	{ /* 89 */ "Yonne", 332096, 480,
	  TOWNS(T("Auxerre", "89000", 35), T("Sens", "89100", 27), T("Joigny", "89300", 10),
	        T("Avallon", "89200", 6)) },
	{ /* 90 */ "Territoire de Belfort", 141380, 110,
	  TOWNS(T("Belfort", "90000", 47), T("Delle", "90100", 6), T("Valdoie", "90300", 5)) },
	{ /* 91 */ "Essonne", 1306118, 690,
	  TOWNS(T("Évry-Courcouronnes", "91000", 68), T("Corbeil-Essonnes", "91100", 52),
	        T("Massy", "91300", 51), T("Savigny-sur-Orge", "91600", 37),
	        T("Sainte-Geneviève-des-Bois", "91700", 36), T("Palaiseau", "91120", 36)) },
	{ /* 92 */ "Hauts-de-Seine", 1627572, 78,
	  TOWNS(T("Nanterre", "92000", 96), T("Boulogne-Billancourt", "92100", 121),
	        T("Asnières-sur-Seine", "92600", 87), T("Colombes", "92700", 86),
	        T("Courbevoie", "92400", 82), T("Rueil-Malmaison", "92500", 79)) },
	{ /* 93 */ "Seine-Saint-Denis", 1660306, 78,
	  TOWNS(T("Bobigny", "93000", 54), T("Saint-Denis", "93200", 113),
	        T("Montreuil", "93100", 111), T("Aubervilliers", "93300", 88),
	        T("Aulnay-sous-Bois", "93600", 86), T("Drancy", "93700", 72)) },
	{ /* 94 */ "Val-de-Marne", 1411241, 81,
	  TOWNS(T("Créteil", "94000", 93), T("Vitry-sur-Seine", "94400", 95),
	        T("Champigny-sur-Marne", "94500", 77), T("Saint-Maur-des-Fossés", "94100", 75),
	        T("Ivry-sur-Seine", "94200", 64)) },
	{ /* 95 */ "Val-d'Oise", 1263436, 690,
	  TOWNS(T("Cergy", "95000", 66), T("Argenteuil", "95100", 111), T("Sarcelles", "95200", 58),
	        T("Garges-lès-Gonesse", "95140", 43), T("Pontoise", "95300", 32)) },
	{ /* 971 */ "Guadeloupe", 383559, 34,
	  TOWNS(T("Basse-Terre", "97100", 10), T("Les Abymes", "97139", 53),
	        T("Baie-Mahault", "97122", 32), T("Le Gosier", "97190", 27),
	        T("Sainte-Anne", "97180", 24), T("Pointe-à-Pitre", "97110", 15)) },
	{ /* 972 */ "Martinique", 360749, 34,
	  TOWNS(T("Fort-de-France", "97200", 76), T("Le Lamentin", "97232", 39),
	        T("Le Robert", "97231", 22), T("Schœlcher", "97233", 20),
	        T("Sainte-Marie", "97230", 15)) },
	{ /* 973 */ "Guyane", 286618, 62,
	  TOWNS(T("Cayenne", "97300", 65), T("Saint-Laurent-du-Maroni", "97320", 47),
	        T("Matoury", "97351", 33), T("Rémire-Montjoly", "97354", 26),
	        T("Kourou", "97310", 25)) },
	{ /* 974 */ "La Réunion", 871157, 24,
	  TOWNS(T("Saint-Denis", "97400", 153), T("Saint-Paul", "97460", 105),
	        T("Saint-Pierre", "97410", 84), T("Le Tampon", "97430", 80),
	        T("Saint-André", "97440", 57), T("Saint-Louis", "97450", 53)) },
	{ /* 976 */ "Mayotte", 299348, 17,
	  TOWNS(T("Mamoudzou", "97600", 71), T("Koungou", "97690", 32), T("Dzaoudzi", "97615", 17),
	        T("Dembeni", "97660", 15)) },
};

/* Thousands of inhabitants by 5-year age band, France, 1 January 2024 (approx.). */
const uint16_t popdata_pyramid[21] = {
	3450, 3800, 4100, 4150, 3900, 3700, 4000, 4250, 4250, 4300, 4500,
	4450, 4250, 4000, 3800, 3050, 2000, 1400, 700,  180,  30,
};

#define SN(name, w)                                                                                \
	{                                                                                          \
		name, POP_FR, w                                                                    \
	}
#define SO(name, origin, w)                                                                        \
	{                                                                                          \
		name, origin, w                                                                    \
	}

/*
 * Surnames. POP_FR weights are thousands of births 1891-1990 (INSEE); the
 * other pools are weighted among themselves only (a pool is chosen first).
 */
const struct popdata_surname popdata_surnames[] = {
	SN("MARTIN", 235),
	SN("BERNARD", 105),
	SN("THOMAS", 96),
	SN("PETIT", 92),
	SN("ROBERT", 91),
	SN("RICHARD", 90),
	SN("DURAND", 85),
	SN("DUBOIS", 84),
	SN("MOREAU", 82),
	SN("LAURENT", 80),
	SN("SIMON", 79),
	SN("MICHEL", 79),
	SN("LEFEBVRE", 76),
	SN("LEROY", 75),
	SN("ROUX", 69),
	SN("DAVID", 68),
	SN("BERTRAND", 68),
	SN("MOREL", 67),
	SN("FOURNIER", 66),
	SN("GIRARD", 65),
	SN("BONNET", 65),
	SN("DUPONT", 64),
	SN("LAMBERT", 63),
	SN("FONTAINE", 62),
	SN("ROUSSEAU", 61),
	SN("VINCENT", 61),
	SN("MULLER", 60),
	SN("LEFEVRE", 60),
	SN("FAURE", 59),
	SN("ANDRE", 58),
	SN("MERCIER", 58),
	SN("BLANC", 57),
	SN("GUERIN", 57),
	SN("BOYER", 56),
	SN("GARNIER", 56),
	SN("CHEVALIER", 55),
	SN("FRANCOIS", 55),
	SN("LEGRAND", 54),
	SN("GAUTHIER", 54),
	SN("GARCIA", 54),
	SN("PERRIN", 53),
	SN("ROBIN", 53),
	SN("CLEMENT", 52),
	SN("MORIN", 52),
	SN("NICOLAS", 51),
	SN("HENRY", 51),
	SN("ROUSSEL", 50),
	SN("MATHIEU", 50),
	SN("GAUTIER", 49),
	SN("MASSON", 49),
	SN("MARCHAND", 48),
	SN("DUVAL", 48),
	SN("DENIS", 47),
	SN("DUMONT", 47),
	SN("MARIE", 47),
	SN("LEMAIRE", 46),
	SN("NOEL", 46),
	SN("MEYER", 46),
	SN("DUFOUR", 45),
	SN("MEUNIER", 45),
	SN("BRUN", 45),
	SN("BLANCHARD", 44),
	SN("GIRAUD", 44),
	SN("JOLY", 44),
	SN("RIVIERE", 43),
	SN("LUCAS", 43),
	SN("BRUNET", 43),
	SN("GAILLARD", 42),
	SN("BARBIER", 42),
	SN("ARNAUD", 42),
	SN("MARTINEZ", 41),
	SN("GERARD", 41),
	SN("ROCHE", 41),
	SN("RENARD", 40),
	SN("SCHMITT", 40),
	SN("ROY", 40),
	SN("LEROUX", 40),
	SN("COLIN", 39),
	SN("VIDAL", 39),
	SN("CARON", 39),
	SN("PICARD", 38),
	SN("ROGER", 38),
	SN("FABRE", 38),
	SN("AUBERT", 38),
	SN("LEMOINE", 37),
	SN("RENAUD", 37),
	SN("DUMAS", 37),
	SN("LACROIX", 37),
	SN("OLIVIER", 37),
	SN("PHILIPPE", 36),
	SN("BOURGEOIS", 36),
	SN("PIERRE", 36),
	SN("BENOIT", 36),
	SN("REY", 35),
	SN("LECLERC", 35),
	SN("PAYET", 35),
	SN("ROLLAND", 35),
	SN("LECLERCQ", 34),
	SN("GUILLAUME", 34),
	SN("LECOMTE", 34),
	SN("LOPEZ", 34),
	SN("JEAN", 34),
	SN("DUPUY", 33),
	SN("GUILLOT", 33),
	SN("HUBERT", 33),
	SN("BERGER", 33),
	SN("CARPENTIER", 33),
	SN("SANCHEZ", 32),
	SN("DUPUIS", 32),
	SN("MOULIN", 32),
	SN("LOUIS", 32),
	SN("DESCHAMPS", 32),
	SN("HUET", 31),
	SN("VASSEUR", 31),
	SN("PEREZ", 31),
	SN("BOUCHER", 31),
	SN("FLEURY", 31),
	SN("ROYER", 30),
	SN("KLEIN", 30),
	SN("JACQUET", 30),
	SN("ADAM", 30),
	SN("PARIS", 30),
	SN("POIRIER", 30),
	SN("MARTY", 30),
	SN("AUBRY", 29),
	SN("GUYOT", 29),
	SN("CARRE", 29),
	SN("CHARLES", 29),
	SN("RENAULT", 29),
	SN("CHARPENTIER", 29),
	SN("MENARD", 28),
	SN("MAILLARD", 28),
	SN("BARON", 28),
	SN("BERTIN", 28),
	SN("BAILLY", 28),
	SN("HERVE", 28),
	SN("SCHNEIDER", 28),
	SN("FERNANDEZ", 28),
	SN("LE GALL", 27),
	SN("COLLET", 27),
	SN("LEGER", 27),
	SN("BOUVIER", 27),
	SN("JULIEN", 27),
	SN("PREVOST", 27),
	SN("MILLET", 27),
	SN("PERROT", 27),
	SN("DANIEL", 27),
	SN("LE ROUX", 26),
	SN("COUSIN", 26),
	SN("GERMAIN", 26),
	SN("BRETON", 26),
	SN("BESSON", 26),
	SN("LANGLOIS", 26),
	SN("REMY", 26),
	SN("LE GOFF", 26),
	SN("PELLETIER", 26),
	SN("LEVEQUE", 26),
	SN("PERRIER", 25),
	SN("LEBLANC", 25),
	SN("BARRE", 25),
	SN("LEBRUN", 25),
	SN("MARCHAL", 25),
	SN("WEBER", 25),
	SN("MALLET", 25),
	SN("HAMON", 25),
	SN("BOULANGER", 25),
	SN("JACOB", 24),
	SN("MONNIER", 24),
	SN("MICHAUD", 24),
	SN("RODRIGUEZ", 24),
	SN("GUICHARD", 24),
	SN("GILLET", 24),
	SN("ETIENNE", 24),
	SN("GRONDIN", 24),
	SN("POULAIN", 24),
	SN("TESSIER", 24),
	SN("CHEVALLIER", 23),
	SN("COLLIN", 23),
	SN("CHAUVIN", 23),
	SN("DA SILVA", 23),
	SN("BOUCHET", 23),
	SN("GAY", 23),
	SN("LEMAITRE", 23),
	SN("BENARD", 23),
	SN("MARECHAL", 23),
	SN("HUMBERT", 23),
	SN("REYNAUD", 23),
	SN("ANTOINE", 22),
	SN("HOARAU", 22),
	SN("PERRET", 22),
	SN("BARTHELEMY", 22),
	SN("CORDIER", 22),
	SN("PICHON", 22),
	SN("LEJEUNE", 22),
	SN("GILBERT", 22),
	SN("LAMY", 22),
	SN("DELAUNAY", 22),
	SN("PASQUIER", 22),
	SN("CARLIER", 22),
	SN("LAPORTE", 22),
	SN("GONZALEZ", 21),
	SN("KERMARREC", 8),
	SN("D'ALMEIDA", 5),
	SN("N'GUYEN", 3),
	SN("AUBIN", 20),
	SN("BAUDRY", 20),
	SN("BAUDIN", 20),
	SN("BLONDEL", 20),
	SN("BONNIN", 20),
	SN("BOULAY", 20),
	SN("BOURDON", 20),
	SN("BOUSQUET", 20),
	SN("BRUNEL", 20),
	SN("BUISSON", 20),
	SN("CAMUS", 20),
	SN("CHAMPION", 19),
	SN("CHARRIER", 19),
	SN("CLERC", 19),
	SN("COLLARD", 19),
	SN("COSTE", 19),
	SN("COULON", 19),
	SN("COURTOIS", 19),
	SN("DELMAS", 19),
	SN("DIDIER", 19),
	SN("DUCHEMIN", 19),
	SN("DUPRE", 19),
	SN("FERRAND", 18),
	SN("FOUCHER", 18),
	SN("GAUDIN", 18),
	SN("GILLES", 18),
	SN("GODARD", 18),
	SN("GRENIER", 18),
	SN("GROS", 18),
	SN("GUIBERT", 18),
	SN("GUILLON", 18),
	SN("GUILLOU", 18),
	SN("HUGUET", 18),
	SN("JOUBERT", 17),
	SN("JOURDAN", 17),
	SN("LAGARDE", 17),
	SN("LANGLAIS", 17),
	SN("LAUNAY", 17),
	SN("LEBRETON", 17),
	SN("LECOQ", 17),
	SN("LEFORT", 17),
	SN("LEGROS", 17),
	SN("LELIEVRE", 17),
	SN("LESAGE", 16),
	SN("MAILLET", 16),
	SN("MARIN", 16),
	SN("MARTEL", 16),
	SN("MAURY", 16),
	SN("MONTAGNE", 16),
	SN("MOUNIER", 16),
	SN("PAGES", 16),
	SN("PARENT", 16),
	SN("PERON", 16),
	SN("PINEAU", 16),
	SN("PONS", 15),
	SN("RAYMOND", 15),
	SN("REGNIER", 15),
	SN("RIGAUD", 15),
	SN("RIOU", 15),
	SN("ROCHER", 15),
	SN("ROUSSET", 15),
	SN("SAUVAGE", 15),
	SN("SCHMIDT", 15),
	SN("TANGUY", 15),
	SN("TEXIER", 15),
	SN("THIBAULT", 14),
	SN("TOUSSAINT", 14),
	SN("VALLEE", 14),
	SN("VERDIER", 14),
	SN("WEISS", 14),
	SN("ZIMMERMANN", 14),
	SN("BESNARD", 14),
	SN("BOUCHARD", 14),
	SN("CHAUVET", 14),
	SN("DELAGE", 14),

	SO("BENALI", POP_MAGHREB, 30),
	SO("BENSAID", POP_MAGHREB, 20),
	SO("HADDAD", POP_MAGHREB, 25),
	SO("SAIDI", POP_MAGHREB, 25),
	SO("BOUZID", POP_MAGHREB, 20),
	SO("BELKACEM", POP_MAGHREB, 20),
	SO("MANSOURI", POP_MAGHREB, 20),
	SO("BRAHIMI", POP_MAGHREB, 25),
	SO("CHERIF", POP_MAGHREB, 20),
	SO("AMRANI", POP_MAGHREB, 20),
	SO("KHELIFI", POP_MAGHREB, 15),
	SO("MEZIANE", POP_MAGHREB, 15),
	SO("EL IDRISSI", POP_MAGHREB, 15),
	SO("EL AMRANI", POP_MAGHREB, 12),
	SO("TAHRI", POP_MAGHREB, 12),
	SO("HAMIDI", POP_MAGHREB, 20),
	SO("AIT ALI", POP_MAGHREB, 10),
	SO("BEN SALAH", POP_MAGHREB, 10),
	SO("TRABELSI", POP_MAGHREB, 15),
	SO("GHARBI", POP_MAGHREB, 10),
	SO("BELHADJ", POP_MAGHREB, 12),
	SO("BENNANI", POP_MAGHREB, 10),
	SO("OUALI", POP_MAGHREB, 10),
	SO("BOUAZZA", POP_MAGHREB, 10),
	SO("ALAOUI", POP_MAGHREB, 10),
	SO("BELAID", POP_MAGHREB, 10),
	SO("BENAMAR", POP_MAGHREB, 10),
	SO("BENHAMOU", POP_MAGHREB, 10),
	SO("BENMOUSSA", POP_MAGHREB, 10),
	SO("BENYAHIA", POP_MAGHREB, 10),
	SO("BOUAZIZ", POP_MAGHREB, 10),
	SO("BOUALEM", POP_MAGHREB, 10),
	SO("CHAOUI", POP_MAGHREB, 10),
	SO("CHERIFI", POP_MAGHREB, 10),
	SO("DAOUDI", POP_MAGHREB, 10),
	SO("FERHAT", POP_MAGHREB, 10),
	SO("HAMDI", POP_MAGHREB, 10),
	SO("HAMMOUDI", POP_MAGHREB, 10),
	SO("KACI", POP_MAGHREB, 10),
	SO("KADDOUR", POP_MAGHREB, 10),
	SO("LAHMAR", POP_MAGHREB, 10),
	SO("MAHMOUDI", POP_MAGHREB, 10),
	SO("MEBAREK", POP_MAGHREB, 10),
	SO("NACERI", POP_MAGHREB, 10),
	SO("RAHMANI", POP_MAGHREB, 10),
	SO("SAADI", POP_MAGHREB, 10),
	SO("SLIMANI", POP_MAGHREB, 10),
	SO("TAIBI", POP_MAGHREB, 10),
	SO("ZIANI", POP_MAGHREB, 10),
	SO("AZZOUZ", POP_MAGHREB, 10),

	SO("DA SILVA", POP_IBERIAN, 40),
	SO("DOS SANTOS", POP_IBERIAN, 35),
	SO("PEREIRA", POP_IBERIAN, 30),
	SO("FERREIRA", POP_IBERIAN, 30),
	SO("RODRIGUES", POP_IBERIAN, 30),
	SO("MARTINS", POP_IBERIAN, 25),
	SO("COSTA", POP_IBERIAN, 20),
	SO("ALVES", POP_IBERIAN, 20),
	SO("OLIVEIRA", POP_IBERIAN, 20),
	SO("GONCALVES", POP_IBERIAN, 20),
	SO("FERNANDES", POP_IBERIAN, 20),
	SO("LOPES", POP_IBERIAN, 18),
	SO("TEIXEIRA", POP_IBERIAN, 12),
	SO("SOUSA", POP_IBERIAN, 12),
	SO("GARCIA", POP_IBERIAN, 25),
	SO("MARTINEZ", POP_IBERIAN, 20),
	SO("LOPEZ", POP_IBERIAN, 15),
	SO("SANCHEZ", POP_IBERIAN, 15),
	SO("FERNANDEZ", POP_IBERIAN, 12),
	SO("GOMEZ", POP_IBERIAN, 10),
	SO("RIBEIRO", POP_IBERIAN, 10),
	SO("CARVALHO", POP_IBERIAN, 10),
	SO("MARQUES", POP_IBERIAN, 10),
	SO("PINTO", POP_IBERIAN, 10),
	SO("MENDES", POP_IBERIAN, 10),
	SO("CORREIA", POP_IBERIAN, 10),
	SO("NUNES", POP_IBERIAN, 10),
	SO("SOARES", POP_IBERIAN, 10),
	SO("VIEIRA", POP_IBERIAN, 10),
	SO("MONTEIRO", POP_IBERIAN, 10),
	SO("CARDOSO", POP_IBERIAN, 10),
	SO("RUIZ", POP_IBERIAN, 10),
	SO("HERNANDEZ", POP_IBERIAN, 10),
	SO("MORENO", POP_IBERIAN, 10),
	SO("JIMENEZ", POP_IBERIAN, 10),
	SO("NAVARRO", POP_IBERIAN, 10),
	SO("DIAZ", POP_IBERIAN, 10),

	SO("ROSSI", POP_ITALIAN, 20),
	SO("RUSSO", POP_ITALIAN, 15),
	SO("FERRARI", POP_ITALIAN, 12),
	SO("ESPOSITO", POP_ITALIAN, 12),
	SO("BIANCHI", POP_ITALIAN, 10),
	SO("ROMANO", POP_ITALIAN, 10),
	SO("COLOMBO", POP_ITALIAN, 10),
	SO("RICCI", POP_ITALIAN, 8),
	SO("MARINO", POP_ITALIAN, 8),
	SO("GRECO", POP_ITALIAN, 8),
	SO("BRUNO", POP_ITALIAN, 8),
	SO("CONTI", POP_ITALIAN, 6),
	SO("DE LUCA", POP_ITALIAN, 6),
	SO("FONTANA", POP_ITALIAN, 6),

	SO("POPESCU", POP_EASTERN, 15),
	SO("POPA", POP_EASTERN, 10),
	SO("IONESCU", POP_EASTERN, 8),
	SO("DUMITRU", POP_EASTERN, 8),
	SO("STAN", POP_EASTERN, 6),
	SO("CONSTANTIN", POP_EASTERN, 6),
	SO("NOWAK", POP_EASTERN, 10),
	SO("KOWALSKI", POP_EASTERN, 8),
	SO("WISNIEWSKI", POP_EASTERN, 6),
	SO("WOJCIK", POP_EASTERN, 5),
	SO("LEWANDOWSKI", POP_EASTERN, 5),
	SO("MAZUR", POP_EASTERN, 4),

	SO("YILMAZ", POP_TURKISH, 20),
	SO("KAYA", POP_TURKISH, 12),
	SO("DEMIR", POP_TURKISH, 12),
	SO("SAHIN", POP_TURKISH, 10),
	SO("CELIK", POP_TURKISH, 10),
	SO("YILDIZ", POP_TURKISH, 8),
	SO("OZTURK", POP_TURKISH, 8),
	SO("AYDIN", POP_TURKISH, 8),
	SO("ARSLAN", POP_TURKISH, 6),
	SO("DOGAN", POP_TURKISH, 6),

	SO("DIALLO", POP_AFRICA, 25),
	SO("TRAORE", POP_AFRICA, 25),
	SO("KONE", POP_AFRICA, 15),
	SO("DIOP", POP_AFRICA, 15),
	SO("NDIAYE", POP_AFRICA, 15),
	SO("CISSE", POP_AFRICA, 12),
	SO("CAMARA", POP_AFRICA, 15),
	SO("KEITA", POP_AFRICA, 10),
	SO("DIARRA", POP_AFRICA, 10),
	SO("FOFANA", POP_AFRICA, 10),
	SO("SOW", POP_AFRICA, 10),
	SO("FALL", POP_AFRICA, 8),
	SO("COULIBALY", POP_AFRICA, 15),
	SO("TOURE", POP_AFRICA, 12),
	SO("SANGARE", POP_AFRICA, 6),
	SO("KOUASSI", POP_AFRICA, 6),
	SO("RAKOTO", POP_AFRICA, 5),
	SO("MBAPPE", POP_AFRICA, 3),
	SO("BAMBA", POP_AFRICA, 8),
	SO("BANGOURA", POP_AFRICA, 8),
	SO("CONDE", POP_AFRICA, 8),
	SO("DIABATE", POP_AFRICA, 8),
	SO("DIAKITE", POP_AFRICA, 8),
	SO("DOUMBIA", POP_AFRICA, 8),
	SO("GUEYE", POP_AFRICA, 8),
	SO("KANTE", POP_AFRICA, 8),
	SO("KONATE", POP_AFRICA, 8),
	SO("MAIGA", POP_AFRICA, 8),
	SO("NIANG", POP_AFRICA, 8),
	SO("OUATTARA", POP_AFRICA, 8),
	SO("SYLLA", POP_AFRICA, 8),
	SO("SIDIBE", POP_AFRICA, 8),
	SO("BAH", POP_AFRICA, 8),
	SO("BARRY", POP_AFRICA, 8),
	SO("SOUMARE", POP_AFRICA, 8),
	SO("DIAWARA", POP_AFRICA, 8),

	SO("NGUYEN", POP_ASIA, 40),
	SO("TRAN", POP_ASIA, 20),
	SO("LE", POP_ASIA, 15),
	SO("PHAM", POP_ASIA, 12),
	SO("HOANG", POP_ASIA, 8),
	SO("VU", POP_ASIA, 6),
	SO("DANG", POP_ASIA, 5),
	SO("WANG", POP_ASIA, 10),
	SO("LI", POP_ASIA, 10),
	SO("ZHANG", POP_ASIA, 8),
	SO("CHEN", POP_ASIA, 10),
	SO("LIU", POP_ASIA, 6),
	SO("HO", POP_ASIA, 5),
	SO("VO", POP_ASIA, 5),
	SO("DO", POP_ASIA, 5),
	SO("NGO", POP_ASIA, 5),
	SO("DUONG", POP_ASIA, 5),
	SO("LAM", POP_ASIA, 5),
	SO("LY", POP_ASIA, 5),
	SO("TRUONG", POP_ASIA, 5),
	SO("WU", POP_ASIA, 5),
	SO("YANG", POP_ASIA, 5),
	SO("ZHAO", POP_ASIA, 5),
	SO("HUANG", POP_ASIA, 5),
	SO("LIN", POP_ASIA, 5),

	SO("PAYET", POP_REUNION, 40),
	SO("HOARAU", POP_REUNION, 30),
	SO("GRONDIN", POP_REUNION, 30),
	SO("FONTAINE", POP_REUNION, 20),
	SO("RIVIERE", POP_REUNION, 15),
	SO("BOYER", POP_REUNION, 15),
	SO("TECHER", POP_REUNION, 15),
	SO("MAILLOT", POP_REUNION, 12),
	SO("LEBON", POP_REUNION, 12),
	SO("HOAREAU", POP_REUNION, 12),
	SO("NATIVEL", POP_REUNION, 8),
	SO("TURPIN", POP_REUNION, 8),
	SO("DAMOUR", POP_REUNION, 8),
	SO("LAURET", POP_REUNION, 8),
	SO("MUSSARD", POP_REUNION, 6),
	SO("BEGUE", POP_REUNION, 6),
	SO("CADET", POP_REUNION, 6),
	SO("VIRAPOULLE", POP_REUNION, 4),

	SO("JOSEPH", POP_ANTILLES, 15),
	SO("MARIE-SAINTE", POP_ANTILLES, 8),
	SO("LOUIS", POP_ANTILLES, 10),
	SO("CHARLES", POP_ANTILLES, 10),
	SO("JEAN-LOUIS", POP_ANTILLES, 8),
	SO("ALEXANDRE", POP_ANTILLES, 8),
	SO("PIERRE", POP_ANTILLES, 8),
	SO("CELESTINE", POP_ANTILLES, 6),
	SO("THEOPHILE", POP_ANTILLES, 6),
	SO("JEAN-CHARLES", POP_ANTILLES, 6),
	SO("PLACIDE", POP_ANTILLES, 5),
	SO("SAINTE-ROSE", POP_ANTILLES, 5),
	SO("DESIRE", POP_ANTILLES, 5),
	SO("ADELAIDE", POP_ANTILLES, 5),
	SO("CALIXTE", POP_ANTILLES, 4),
	SO("EUGENE", POP_ANTILLES, 5),
	SO("JEAN-BAPTISTE", POP_ANTILLES, 6),
	SO("NELSON", POP_ANTILLES, 4),

	SO("ALI", POP_MAYOTTE, 20),
	SO("MADI", POP_MAYOTTE, 15),
	SO("SAID", POP_MAYOTTE, 15),
	SO("ABDOU", POP_MAYOTTE, 12),
	SO("ATTOUMANI", POP_MAYOTTE, 12),
	SO("HOUMADI", POP_MAYOTTE, 10),
	SO("MOHAMED", POP_MAYOTTE, 15),
	SO("AHMED", POP_MAYOTTE, 10),
	SO("ANLI", POP_MAYOTTE, 6),
	SO("SOILIHI", POP_MAYOTTE, 8),
	SO("COMBO", POP_MAYOTTE, 6),
	SO("YOUSSOUF", POP_MAYOTTE, 8),
	SO("BACAR", POP_MAYOTTE, 6),
	SO("HAMADA", POP_MAYOTTE, 6),
};
const size_t popdata_n_surnames = sizeof(popdata_surnames) / sizeof(popdata_surnames[0]);

/* French given names: weights for those born before 1950, 1950-74, 1975-99, 2000 and after. */
#define GF(name, a, b, c, d)                                                                       \
	{                                                                                          \
		name, 'F', POP_FR,                                                                 \
		{                                                                                  \
			a, b, c, d                                                                 \
		}                                                                                  \
	}
#define GM(name, a, b, c, d)                                                                       \
	{                                                                                          \
		name, 'M', POP_FR,                                                                 \
		{                                                                                  \
			a, b, c, d                                                                 \
		}                                                                                  \
	}
/* Names of other origins: one weight for every band. */
#define GO(name, sex, origin, w)                                                                   \
	{                                                                                          \
		name, sex, origin,                                                                 \
		{                                                                                  \
			w, w, w, w                                                                 \
		}                                                                                  \
	}

const struct popdata_given popdata_givens[] = {
	GF("Marie", 100, 40, 10, 5),
	GF("Jeanne", 60, 5, 2, 10),
	GF("Françoise", 30, 50, 2, 0),
	GF("Monique", 40, 35, 0, 0),
	GF("Catherine", 10, 60, 5, 0),
	GF("Nathalie", 0, 45, 25, 0),
	GF("Isabelle", 2, 55, 20, 0),
	GF("Sylvie", 2, 50, 10, 0),
	GF("Martine", 15, 45, 1, 0),
	GF("Christine", 10, 50, 5, 0),
	GF("Nicole", 35, 25, 0, 0),
	GF("Anne", 10, 25, 15, 3),
	GF("Sandrine", 0, 20, 35, 0),
	GF("Valérie", 0, 35, 20, 0),
	GF("Véronique", 0, 35, 10, 0),
	GF("Christiane", 30, 15, 0, 0),
	GF("Jacqueline", 50, 15, 0, 0),
	GF("Michèle", 25, 30, 0, 0),
	GF("Denise", 45, 5, 0, 0),
	GF("Suzanne", 40, 3, 0, 0),
	GF("Madeleine", 40, 3, 0, 2),
	GF("Simone", 40, 5, 0, 0),
	GF("Yvette", 35, 8, 0, 0),
	GF("Paulette", 30, 3, 0, 0),
	GF("Germaine", 30, 0, 0, 0),
	GF("Colette", 30, 8, 0, 0),
	GF("Josiane", 15, 20, 0, 0),
	GF("Chantal", 10, 40, 1, 0),
	GF("Danielle", 20, 30, 0, 0),
	GF("Brigitte", 5, 40, 1, 0),
	GF("Patricia", 1, 40, 10, 0),
	GF("Dominique", 5, 35, 2, 0),
	GF("Annie", 15, 30, 0, 0),
	GF("Évelyne", 10, 25, 1, 0),
	GF("Joëlle", 5, 20, 1, 0),
	GF("Corinne", 0, 30, 15, 0),
	GF("Stéphanie", 0, 10, 45, 0),
	GF("Céline", 0, 3, 50, 1),
	GF("Julie", 0, 3, 50, 5),
	GF("Aurélie", 0, 1, 45, 1),
	GF("Émilie", 0, 1, 45, 3),
	GF("Laetitia", 0, 1, 35, 0),
	GF("Virginie", 0, 8, 35, 0),
	GF("Audrey", 0, 1, 40, 1),
	GF("Caroline", 0, 10, 35, 2),
	GF("Karine", 0, 10, 30, 0),
	GF("Laurence", 0, 30, 10, 0),
	GF("Florence", 0, 30, 12, 0),
	GF("Hélène", 10, 25, 12, 2),
	GF("Sophie", 0, 20, 35, 3),
	GF("Élodie", 0, 0, 40, 1),
	GF("Mélanie", 0, 0, 40, 1),
	GF("Sarah", 0, 0, 30, 20),
	GF("Laura", 0, 0, 35, 10),
	GF("Camille", 0, 0, 30, 30),
	GF("Manon", 0, 0, 20, 40),
	GF("Léa", 0, 0, 12, 45),
	GF("Chloé", 0, 0, 15, 40),
	GF("Emma", 0, 0, 3, 50),
	GF("Inès", 0, 0, 5, 35),
	GF("Jade", 0, 0, 2, 45),
	GF("Louise", 15, 1, 1, 45),
	GF("Alice", 8, 2, 3, 40),
	GF("Lina", 0, 0, 1, 30),
	GF("Rose", 10, 0, 0, 25),
	GF("Anna", 3, 0, 2, 30),
	GF("Mila", 0, 0, 0, 25),
	GF("Ambre", 0, 0, 0, 25),
	GF("Julia", 0, 0, 3, 20),
	GF("Zoé", 0, 0, 2, 30),
	GF("Lucie", 3, 0, 15, 25),
	GF("Clara", 0, 0, 10, 30),
	GF("Marine", 0, 0, 30, 5),
	GF("Pauline", 2, 0, 30, 8),
	GF("Marion", 0, 2, 30, 5),
	GF("Anaïs", 0, 0, 25, 15),
	GF("Justine", 0, 0, 25, 10),
	GF("Océane", 0, 0, 20, 15),
	GF("Mathilde", 2, 0, 15, 25),
	GF("Charlotte", 0, 1, 20, 25),
	GF("Juliette", 1, 0, 8, 30),
	GF("Margaux", 0, 0, 10, 20),
	GF("Lola", 0, 0, 3, 25),
	GF("Romane", 0, 0, 1, 20),
	GF("Agathe", 1, 0, 1, 15),
	GF("Léna", 0, 0, 0, 25),
	GF("Lou", 0, 0, 0, 15),
	GF("Nina", 0, 0, 2, 20),
	GF("Eva", 0, 0, 3, 25),
	GF("Maëlys", 0, 0, 0, 18),
	GF("Lisa", 0, 0, 10, 15),
	GF("Elsa", 0, 0, 5, 10),
	GF("Christelle", 0, 5, 30, 0),
	GF("Séverine", 0, 5, 30, 0),
	GF("Gisèle", 25, 8, 0, 0),
	GF("Odette", 30, 1, 0, 0),
	GF("Marcelle", 30, 0, 0, 0),
	GF("Renée", 30, 1, 0, 0),
	GF("Yvonne", 30, 1, 0, 0),
	GF("Andrée", 25, 2, 0, 0),
	GF("Ginette", 25, 3, 0, 0),
	GF("Huguette", 20, 2, 0, 0),
	GF("Lucienne", 25, 0, 0, 0),
	GF("Claudine", 10, 25, 0, 0),
	GF("Marguerite", 30, 1, 0, 2),
	GF("Thérèse", 25, 5, 0, 0),
	GF("Annick", 10, 25, 0, 0),
	GF("Bernadette", 20, 20, 0, 0),
	GF("Geneviève", 20, 15, 0, 0),
	GF("Emmanuelle", 0, 15, 15, 0),

	GM("Jean", 100, 40, 5, 2),
	GM("Pierre", 60, 30, 10, 5),
	GM("Michel", 70, 40, 1, 0),
	GM("André", 60, 5, 0, 0),
	GM("Philippe", 5, 60, 10, 0),
	GM("Alain", 20, 50, 1, 0),
	GM("Bernard", 40, 30, 0, 0),
	GM("Jacques", 60, 30, 0, 0),
	GM("Daniel", 30, 35, 1, 0),
	GM("Claude", 45, 20, 0, 0),
	GM("René", 50, 5, 0, 0),
	GM("Roger", 45, 2, 0, 0),
	GM("Robert", 45, 3, 0, 0),
	GM("Marcel", 45, 1, 0, 0),
	GM("Louis", 40, 3, 2, 40),
	GM("Henri", 35, 2, 0, 0),
	GM("Georges", 35, 3, 0, 0),
	GM("Paul", 30, 5, 2, 20),
	GM("Gérard", 25, 40, 0, 0),
	GM("Christian", 10, 45, 1, 0),
	GM("Patrick", 1, 50, 3, 0),
	GM("Jean-Pierre", 15, 40, 0, 0),
	GM("Jean-Claude", 20, 30, 0, 0),
	GM("Dominique", 5, 30, 1, 0),
	GM("Serge", 10, 25, 0, 0),
	GM("Gilbert", 25, 10, 0, 0),
	GM("Guy", 25, 8, 0, 0),
	GM("Maurice", 40, 2, 0, 0),
	GM("Raymond", 40, 2, 0, 0),
	GM("Lucien", 30, 0, 0, 0),
	GM("Roland", 25, 8, 0, 0),
	GM("Yves", 20, 20, 0, 0),
	GM("Joseph", 30, 5, 1, 3),
	GM("François", 15, 30, 10, 2),
	GM("Éric", 0, 40, 20, 0),
	GM("Pascal", 0, 40, 10, 0),
	GM("Thierry", 0, 40, 10, 0),
	GM("Laurent", 0, 30, 25, 0),
	GM("Frédéric", 0, 25, 30, 0),
	GM("Stéphane", 0, 25, 35, 0),
	GM("Olivier", 0, 25, 30, 0),
	GM("Christophe", 0, 25, 40, 0),
	GM("Didier", 0, 35, 3, 0),
	GM("Bruno", 0, 30, 8, 0),
	GM("Franck", 0, 20, 15, 0),
	GM("Sébastien", 0, 3, 50, 0),
	GM("Nicolas", 0, 10, 50, 3),
	GM("David", 0, 10, 45, 2),
	GM("Julien", 0, 2, 50, 3),
	GM("Cédric", 0, 2, 35, 0),
	GM("Jérôme", 0, 5, 40, 0),
	GM("Vincent", 0, 10, 35, 3),
	GM("Fabrice", 0, 15, 20, 0),
	GM("Ludovic", 0, 1, 30, 0),
	GM("Mickaël", 0, 1, 30, 0),
	GM("Anthony", 0, 0, 35, 3),
	GM("Guillaume", 0, 1, 40, 5),
	GM("Romain", 0, 0, 40, 5),
	GM("Thomas", 0, 1, 45, 15),
	GM("Maxime", 0, 0, 40, 10),
	GM("Alexandre", 0, 2, 40, 12),
	GM("Kevin", 0, 0, 35, 2),
	GM("Florian", 0, 0, 30, 3),
	GM("Mathieu", 0, 1, 35, 2),
	GM("Benjamin", 0, 0, 30, 6),
	GM("Jonathan", 0, 0, 25, 1),
	GM("Antoine", 0, 2, 30, 20),
	GM("Quentin", 0, 0, 35, 5),
	GM("Hugo", 0, 0, 10, 35),
	GM("Lucas", 0, 0, 15, 40),
	GM("Théo", 0, 0, 10, 35),
	GM("Nathan", 0, 0, 8, 35),
	GM("Léo", 0, 0, 2, 45),
	GM("Enzo", 0, 0, 2, 30),
	GM("Gabriel", 1, 0, 3, 45),
	GM("Raphaël", 0, 0, 5, 35),
	GM("Arthur", 2, 0, 1, 40),
	GM("Jules", 3, 0, 2, 35),
	GM("Adam", 0, 0, 1, 35),
	GM("Ethan", 0, 0, 0, 25),
	GM("Noah", 0, 0, 0, 30),
	GM("Tom", 0, 0, 3, 25),
	GM("Sacha", 0, 0, 1, 22),
	GM("Mathis", 0, 0, 2, 25),
	GM("Clément", 0, 0, 25, 15),
	GM("Baptiste", 0, 0, 20, 12),
	GM("Valentin", 0, 0, 25, 12),
	GM("Alexis", 0, 0, 25, 10),
	GM("Axel", 0, 0, 8, 20),
	GM("Tristan", 0, 0, 5, 10),
	GM("Timéo", 0, 0, 0, 18),
	GM("Nolan", 0, 0, 2, 18),
	GM("Samuel", 0, 0, 15, 12),
	GM("Victor", 3, 0, 2, 25),
	GM("Martin", 2, 0, 2, 22),
	GM("Noé", 0, 0, 0, 20),
	GM("Aaron", 0, 0, 0, 15),
	GM("Maël", 0, 0, 0, 25),
	GM("Marius", 2, 0, 0, 18),
	GM("Gaston", 15, 0, 0, 2),
	GM("Émile", 10, 0, 0, 15),
	GM("Fernand", 25, 0, 0, 0),
	GM("Albert", 30, 1, 0, 0),
	GM("Marc", 2, 35, 10, 0),
	GM("Patrice", 0, 25, 5, 0),
	GM("Hervé", 0, 30, 5, 0),
	GM("Jean-Luc", 2, 30, 1, 0),
	GM("Jean-Marc", 0, 25, 2, 0),
	GM("Denis", 5, 25, 3, 0),

	GO("Fatima", 'F', POP_MAGHREB, 30),
	GO("Khadija", 'F', POP_MAGHREB, 15),
	GO("Aïcha", 'F', POP_MAGHREB, 15),
	GO("Malika", 'F', POP_MAGHREB, 15),
	GO("Nadia", 'F', POP_MAGHREB, 20),
	GO("Samira", 'F', POP_MAGHREB, 15),
	GO("Yasmina", 'F', POP_MAGHREB, 12),
	GO("Leïla", 'F', POP_MAGHREB, 15),
	GO("Meriem", 'F', POP_MAGHREB, 12),
	GO("Amina", 'F', POP_MAGHREB, 15),
	GO("Sofia", 'F', POP_MAGHREB, 10),
	GO("Inès", 'F', POP_MAGHREB, 15),
	GO("Yasmine", 'F', POP_MAGHREB, 15),
	GO("Salma", 'F', POP_MAGHREB, 10),
	GO("Mohamed", 'M', POP_MAGHREB, 40),
	GO("Ahmed", 'M', POP_MAGHREB, 20),
	GO("Rachid", 'M', POP_MAGHREB, 15),
	GO("Karim", 'M', POP_MAGHREB, 15),
	GO("Mustapha", 'M', POP_MAGHREB, 12),
	GO("Ali", 'M', POP_MAGHREB, 15),
	GO("Saïd", 'M', POP_MAGHREB, 12),
	GO("Youssef", 'M', POP_MAGHREB, 15),
	GO("Mehdi", 'M', POP_MAGHREB, 15),
	GO("Omar", 'M', POP_MAGHREB, 10),
	GO("Hamza", 'M', POP_MAGHREB, 10),
	GO("Bilal", 'M', POP_MAGHREB, 10),
	GO("Rayan", 'M', POP_MAGHREB, 12),
	GO("Yanis", 'M', POP_MAGHREB, 12),
	GO("Sofiane", 'M', POP_MAGHREB, 10),
	GO("Nassim", 'M', POP_MAGHREB, 8),

	GO("Maria", 'F', POP_IBERIAN, 30),
	GO("Ana", 'F', POP_IBERIAN, 20),
	GO("Manuela", 'F', POP_IBERIAN, 10),
	GO("Sandra", 'F', POP_IBERIAN, 12),
	GO("Isabel", 'F', POP_IBERIAN, 10),
	GO("Cristina", 'F', POP_IBERIAN, 10),
	GO("Carla", 'F', POP_IBERIAN, 8),
	GO("Fernanda", 'F', POP_IBERIAN, 6),
	GO("José", 'M', POP_IBERIAN, 30),
	GO("Manuel", 'M', POP_IBERIAN, 20),
	GO("António", 'M', POP_IBERIAN, 15),
	GO("João", 'M', POP_IBERIAN, 15),
	GO("Carlos", 'M', POP_IBERIAN, 12),
	GO("Francisco", 'M', POP_IBERIAN, 12),
	GO("Paulo", 'M', POP_IBERIAN, 10),
	GO("Miguel", 'M', POP_IBERIAN, 10),

	GO("Maria", 'F', POP_ITALIAN, 15),
	GO("Giulia", 'F', POP_ITALIAN, 10),
	GO("Francesca", 'F', POP_ITALIAN, 10),
	GO("Anna", 'F', POP_ITALIAN, 10),
	GO("Rosa", 'F', POP_ITALIAN, 8),
	GO("Giovanna", 'F', POP_ITALIAN, 8),
	GO("Giuseppe", 'M', POP_ITALIAN, 15),
	GO("Giovanni", 'M', POP_ITALIAN, 15),
	GO("Antonio", 'M', POP_ITALIAN, 12),
	GO("Francesco", 'M', POP_ITALIAN, 12),
	GO("Marco", 'M', POP_ITALIAN, 10),
	GO("Luca", 'M', POP_ITALIAN, 10),

	GO("Elena", 'F', POP_EASTERN, 12),
	GO("Ioana", 'F', POP_EASTERN, 10),
	GO("Andreea", 'F', POP_EASTERN, 8),
	GO("Anna", 'F', POP_EASTERN, 10),
	GO("Katarzyna", 'F', POP_EASTERN, 8),
	GO("Agnieszka", 'F', POP_EASTERN, 8),
	GO("Andrei", 'M', POP_EASTERN, 12),
	GO("Ion", 'M', POP_EASTERN, 10),
	GO("Mihai", 'M', POP_EASTERN, 10),
	GO("Alexandru", 'M', POP_EASTERN, 10),
	GO("Piotr", 'M', POP_EASTERN, 8),
	GO("Tomasz", 'M', POP_EASTERN, 8),

	GO("Ayse", 'F', POP_TURKISH, 12),
	GO("Fatma", 'F', POP_TURKISH, 12),
	GO("Elif", 'F', POP_TURKISH, 12),
	GO("Zeynep", 'F', POP_TURKISH, 12),
	GO("Emine", 'F', POP_TURKISH, 8),
	GO("Esra", 'F', POP_TURKISH, 8),
	GO("Mehmet", 'M', POP_TURKISH, 15),
	GO("Mustafa", 'M', POP_TURKISH, 12),
	GO("Ahmet", 'M', POP_TURKISH, 12),
	GO("Emre", 'M', POP_TURKISH, 10),
	GO("Hasan", 'M', POP_TURKISH, 8),
	GO("Murat", 'M', POP_TURKISH, 8),

	GO("Aminata", 'F', POP_AFRICA, 15),
	GO("Fatoumata", 'F', POP_AFRICA, 15),
	GO("Mariam", 'F', POP_AFRICA, 12),
	GO("Awa", 'F', POP_AFRICA, 12),
	GO("Kadiatou", 'F', POP_AFRICA, 10),
	GO("Aïssatou", 'F', POP_AFRICA, 10),
	GO("Grâce", 'F', POP_AFRICA, 8),
	GO("Fanta", 'F', POP_AFRICA, 8),
	GO("Mamadou", 'M', POP_AFRICA, 20),
	GO("Moussa", 'M', POP_AFRICA, 15),
	GO("Ibrahima", 'M', POP_AFRICA, 12),
	GO("Abdoulaye", 'M', POP_AFRICA, 12),
	GO("Ousmane", 'M', POP_AFRICA, 12),
	GO("Amadou", 'M', POP_AFRICA, 10),
	GO("Boubacar", 'M', POP_AFRICA, 8),
	GO("Seydou", 'M', POP_AFRICA, 8),

	GO("Linh", 'F', POP_ASIA, 10),
	GO("Mai", 'F', POP_ASIA, 10),
	GO("Lan", 'F', POP_ASIA, 8),
	GO("Hoa", 'F', POP_ASIA, 6),
	GO("Mei", 'F', POP_ASIA, 6),
	GO("Ying", 'F', POP_ASIA, 6),
	GO("Minh", 'M', POP_ASIA, 10),
	GO("Duc", 'M', POP_ASIA, 8),
	GO("Thanh", 'M', POP_ASIA, 8),
	GO("Tuan", 'M', POP_ASIA, 8),
	GO("Wei", 'M', POP_ASIA, 6),
	GO("Long", 'M', POP_ASIA, 6),
};
const size_t popdata_n_givens = sizeof(popdata_givens) / sizeof(popdata_givens[0]);

/*
 * Countries of birth of people born abroad (INSEE codes as in a NIR, 99xxx),
 * weighted by the 2022 immigrant population (per mille, rounded). The rest
 * of the world is folded into the listed countries.
 */
const struct popdata_country popdata_countries[] = {
	{ "352", "Algérie", 135, POP_MAGHREB }, { "350", "Maroc", 130, POP_MAGHREB },
	{ "351", "Tunisie", 50, POP_MAGHREB },  { "139", "Portugal", 85, POP_IBERIAN },
	{ "134", "Espagne", 35, POP_IBERIAN },  { "127", "Italie", 42, POP_ITALIAN },
	{ "208", "Turquie", 36, POP_TURKISH },  { "114", "Roumanie", 28, POP_EASTERN },
	{ "122", "Pologne", 12, POP_EASTERN },  { "109", "Allemagne", 25, POP_FR },
	{ "132", "Royaume-Uni", 22, POP_FR },   { "131", "Belgique", 20, POP_FR },
	{ "140", "Suisse", 8, POP_FR },         { "341", "Sénégal", 30, POP_AFRICA },
	{ "335", "Mali", 25, POP_AFRICA },      { "326", "Côte d'Ivoire", 28, POP_AFRICA },
	{ "322", "Cameroun", 22, POP_AFRICA },  { "333", "Madagascar", 18, POP_AFRICA },
	{ "397", "Comores", 15, POP_MAYOTTE },  { "243", "Viet Nam", 15, POP_ASIA },
	{ "216", "Chine", 25, POP_ASIA },
};
const size_t popdata_n_countries = sizeof(popdata_countries) / sizeof(popdata_countries[0]);

const char *const popdata_street_types[] = {
	"rue",       "rue",   "rue",    "rue",   "rue",     "avenue", "avenue",
	"boulevard", "place", "chemin", "allée", "impasse", "route",  "quai",
};
const size_t popdata_n_street_types =
        sizeof(popdata_street_types) / sizeof(popdata_street_types[0]);

const char *const popdata_street_names[] = {
	"de la République", "Victor Hugo",
	"Jean Jaurès",      "de la Gare",
	"Pasteur",          "du Général de Gaulle",
	"de l'Église",      "des Écoles",
	"Gambetta",         "Jules Ferry",
	"du Moulin",        "de la Mairie",
	"Nationale",        "des Lilas",
	"du Château",       "de Verdun",
	"Carnot",           "de la Paix",
	"Voltaire",         "Émile Zola",
	"des Tilleuls",     "Jean Moulin",
	"du Stade",         "de Paris",
	"Anatole France",   "Principale",
	"du Port",          "de la Fontaine",
	"des Acacias",      "Saint-Martin",
	"du Commerce",      "de la Liberté",
	"du Maréchal Foch", "Georges Clemenceau",
	"Aristide Briand",  "d'Alsace-Lorraine",
	"des Peupliers",    "de Bretagne",
	"des Jardins",      "de la Croix",
	"du Stade",         "des Roses",
	"Marcel Pagnol",    "Louise Michel",
	"Simone Veil",      "Pierre et Marie Curie",
	"du 8 Mai 1945",    "du 11 Novembre",
	"de la Source",     "des Vignes",
	"du Bois",          "de la Poste",
};
/* clang-format on */
const size_t popdata_n_street_names =
        sizeof(popdata_street_names) / sizeof(popdata_street_names[0]);

/* ---------------------------------------------------------------- samplers -- */

int popdata_dept_overseas(int i)
{
	return i >= 96 && i < POPDATA_N_DEPTS;
}

int popdata_pick_dept(struct rng *r)
{
	uint64_t total = 0, x;
	int i;

	for (i = 0; i < POPDATA_N_DEPTS; i++)
		total += popdata_depts[i].pop;
	x = rng_below(r, total);
	for (i = 0; i < POPDATA_N_DEPTS - 1; i++) {
		if (x < popdata_depts[i].pop)
			break;
		x -= popdata_depts[i].pop;
	}
	return i;
}

int popdata_pick_neighbour(struct rng *r, int i)
{
	const uint8_t *neigh;
	unsigned n = geo_neighbours(i, &neigh);

	return n ? neigh[rng_below(r, n)] : -1;
}

const struct popdata_town *popdata_pick_town(struct rng *r, int i)
{
	const struct popdata_dept *d;
	uint64_t total = 0, x;
	int k;

	if (i < 0 || i >= POPDATA_N_DEPTS)
		return NULL;
	d = &popdata_depts[i];
	for (k = 0; k < d->n_towns; k++)
		total += d->towns[k].kpop;
	x = rng_below(r, total);
	for (k = 0; k < d->n_towns - 1; k++) {
		if (x < d->towns[k].kpop)
			break;
		x -= d->towns[k].kpop;
	}
	return &d->towns[k];
}

void popdata_town_postal(struct rng *r, const struct popdata_town *t, char out[6])
{
	unsigned v = 0;

	if (t->n_arr == 0) {
		memcpy(out, t->postal, 5);
		out[5] = '\0';
		return;
	}
	for (int k = 0; k < 5; k++)
		v = v * 10 + (unsigned)(t->postal[k] - '0');
	v += (unsigned)rng_below(r, t->n_arr);
	snprintf(out, 6, "%05u", v % 100000);
}

/* Weight of one year of age: the band's count spread over its 5 years (100+ is one age). */
static uint64_t age_weight(int age)
{
	return age < POPDATA_MAX_AGE ? popdata_pyramid[age / 5] : 5u * popdata_pyramid[20];
}

int popdata_pick_age_from(struct rng *r, int min_age)
{
	uint64_t total = 0, x;
	int a;

	if (min_age < 0)
		min_age = 0;
	if (min_age >= POPDATA_MAX_AGE)
		return POPDATA_MAX_AGE;
	for (a = min_age; a <= POPDATA_MAX_AGE; a++)
		total += age_weight(a);
	x = rng_below(r, total);
	for (a = min_age; a < POPDATA_MAX_AGE; a++) {
		if (x < age_weight(a))
			break;
		x -= age_weight(a);
	}
	return a;
}

int popdata_pick_age(struct rng *r)
{
	return popdata_pick_age_from(r, 0);
}

int popdata_band(int birth_year)
{
	if (birth_year < 1950)
		return 0;
	if (birth_year < 1975)
		return 1;
	if (birth_year < 2000)
		return 2;
	return 3;
}

enum popdata_origin popdata_pick_origin(struct rng *r, int dept)
{
	/* Per mille, metropolitan France: families of each origin among those born in France. */
	static const uint16_t METRO[POP_N_ORIGINS] = {
		[POP_FR] = 895,    [POP_MAGHREB] = 50, [POP_IBERIAN] = 20, [POP_ITALIAN] = 10,
		[POP_EASTERN] = 3, [POP_TURKISH] = 5,  [POP_AFRICA] = 10,  [POP_ASIA] = 7,
	};
	uint64_t x = rng_below(r, 1000);
	int o;

	if (popdata_dept_overseas(dept)) {
		const char *c = geo_dept_code(dept);
		enum popdata_origin local = c[2] == '4'   ? POP_REUNION
		                            : c[2] == '6' ? POP_MAYOTTE
		                                          : POP_ANTILLES;
		return x < 850 ? local : POP_FR;
	}
	for (o = 0; o < POP_N_ORIGINS - 1; o++) {
		if (x < METRO[o])
			break;
		x -= METRO[o];
	}
	return (enum popdata_origin)o;
}

const char *popdata_pick_surname(struct rng *r, enum popdata_origin o)
{
	uint64_t total = 0, x;
	size_t i, last = 0;

	for (i = 0; i < popdata_n_surnames; i++)
		if (popdata_surnames[i].origin == o)
			total += popdata_surnames[i].w;
	if (total == 0)
		return popdata_pick_surname(r, POP_FR);
	x = rng_below(r, total);
	for (i = 0; i < popdata_n_surnames; i++) {
		if (popdata_surnames[i].origin != o)
			continue;
		last = i;
		if (x < popdata_surnames[i].w)
			break;
		x -= popdata_surnames[i].w;
	}
	return popdata_surnames[last].name;
}

const char *popdata_pick_given(struct rng *r, char sex, int birth_year, enum popdata_origin o)
{
	int band = popdata_band(birth_year);
	uint64_t total = 0, x;
	size_t i, last = 0;

	if (sex != 'F')
		sex = 'M';
	if (o == POP_REUNION || o == POP_ANTILLES)
		o = POP_FR;
	else if (o == POP_MAYOTTE)
		o = POP_MAGHREB;
	for (i = 0; i < popdata_n_givens; i++)
		if (popdata_givens[i].origin == o && popdata_givens[i].sex == sex)
			total += popdata_givens[i].w[band];
	if (total == 0)
		return o == POP_FR ? "Dominique" : popdata_pick_given(r, sex, birth_year, POP_FR);
	x = rng_below(r, total);
	for (i = 0; i < popdata_n_givens; i++) {
		const struct popdata_given *g = &popdata_givens[i];

		if (g->origin != o || g->sex != sex || g->w[band] == 0)
			continue;
		last = i;
		if (x < g->w[band])
			break;
		x -= g->w[band];
	}
	return popdata_givens[last].name;
}

const struct popdata_country *popdata_pick_country(struct rng *r)
{
	uint64_t total = 0, x;
	size_t i;

	for (i = 0; i < popdata_n_countries; i++)
		total += popdata_countries[i].w;
	x = rng_below(r, total);
	for (i = 0; i < popdata_n_countries - 1; i++) {
		if (x < popdata_countries[i].w)
			break;
		x -= popdata_countries[i].w;
	}
	return &popdata_countries[i];
}

void popdata_street(struct rng *r, char *out, size_t cap)
{
	/* Low numbers are the most common: most streets are short. */
	unsigned num = rng_below(r, 10) < 7 ? 1 + (unsigned)rng_below(r, 40)
	                                    : 1 + (unsigned)rng_below(r, 220);
	const char *bis = rng_below(r, 100) < 4 ? " bis" : "";
	const char *type = popdata_street_types[rng_below(r, popdata_n_street_types)];
	const char *name = popdata_street_names[rng_below(r, popdata_n_street_names)];

	if (cap == 0)
		return;
	snprintf(out, cap, "%u%s %s %s", num, bis, type, name);
}
