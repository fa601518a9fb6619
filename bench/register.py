"""How fast the public register answers with a million grants, measured through HTTP against gunicorn.

    .venv/bin/python bench/register.py                          # PostgreSQL, 1,000,000 grants
    .venv/bin/python bench/register.py --database sqlite
    .venv/bin/python bench/register.py --grants 100000 --requests 100
    .venv/bin/python bench/register.py --keep                   # keep the database and reuse it next time

The script builds a register of realistic grants (about 200,000 organisations, 20 years, every region and
programme), starts gunicorn on 127.0.0.1 with production settings (DEBUG off, 2 workers), and measures the
register's search (API and page), its text search, its statistics and the full CSV export, beside the raw
database dump of the same rows. PostgreSQL runs in its own database, avustamo_bench_register at 127.0.0.1:5432 as
user postgres; SQLite in var/bench/register.sqlite3. Both are dropped at the end unless --keep is given. See
bench/README.md for what each figure measures and docs/performance.md for the figures.
"""

import argparse
import datetime
import http.client
import math
import os
import random
import secrets
import sqlite3
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import psycopg

BASE_DIR = Path(__file__).resolve().parent.parent
BENCH_DIR = BASE_DIR / "var" / "bench"
SQLITE_FILE = BENCH_DIR / "register.sqlite3"
SERVER_LOG = BENCH_DIR / "register-gunicorn.log"
POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432"
POSTGRES_DATABASE = "avustamo_bench_register"
WORKERS = 2
# Targets of issue 5 for PostgreSQL on a 2-core machine.
TARGET_P95_MS = 100
TARGET_EXPORT_SHARE = 0.5
TARGET_PEAK_RSS_MB = 200


def parse_arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument(
        "--grants", type=int, default=1_000_000, help="grants in the register (default 1000000)"
    )
    parser.add_argument("--requests", type=int, default=200, help="timed requests of each kind (default 200)")
    parser.add_argument("--warmup", type=int, default=10, help="untimed requests before them (default 10)")
    parser.add_argument(
        "--keep",
        action="store_true",
        help="keep the database at the end, and reuse it when it already holds a register of this size",
    )
    parser.add_argument(
        "--timeout",
        type=int,
        default=30,
        help="gunicorn's worker timeout in seconds (default 30, as gunicorn.conf.py leaves it for `make demo`)",
    )
    return parser.parse_args()


def postgres_register_size(database: str) -> int | None:
    """How many grants the bench database holds; None when it does not exist or has no register."""
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as server:
        if not server.execute("SELECT 1 FROM pg_database WHERE datname = %s", (database,)).fetchone():
            return None
    try:
        with psycopg.connect(f"{POSTGRES_SERVER}/{database}") as bench:
            return bench.execute("SELECT count(*) FROM register_publishedgrant").fetchone()[0]
    except psycopg.Error:
        return None


def sqlite_register_size() -> int | None:
    if not SQLITE_FILE.exists():
        return None
    try:
        with sqlite3.connect(SQLITE_FILE) as bench:
            return bench.execute("SELECT count(*) FROM register_publishedgrant").fetchone()[0]
    except sqlite3.Error:
        return None


def recreate_postgres_database() -> None:
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as server:
        server.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)")
        server.execute(f"CREATE DATABASE {POSTGRES_DATABASE}")


def drop_postgres_database() -> None:
    with psycopg.connect(f"{POSTGRES_SERVER}/postgres", autocommit=True) as server:
        server.execute(f"DROP DATABASE IF EXISTS {POSTGRES_DATABASE} WITH (FORCE)")


def delete_sqlite_file() -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{SQLITE_FILE}{suffix}").unlink(missing_ok=True)


def configure_environment(arguments: argparse.Namespace) -> bool:
    """Production settings for this process and the server, before Django is set up; True to reuse the data."""
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if arguments.database == "postgresql":
        reuse = arguments.keep and postgres_register_size(POSTGRES_DATABASE) == arguments.grants
        if not reuse:
            recreate_postgres_database()
        database_url = f"{POSTGRES_SERVER}/{POSTGRES_DATABASE}"
    else:
        reuse = arguments.keep and sqlite_register_size() == arguments.grants
        if not reuse:
            delete_sqlite_file()
        database_url = f"sqlite:///{SQLITE_FILE}"
    sys.path.insert(0, str(BASE_DIR))
    os.environ.update(
        {
            "DJANGO_SETTINGS_MODULE": "avustamo.settings",
            # Never the developer's own database, whatever DATABASE_URL or .env says.
            "DATABASE_URL": database_url,
            "DEBUG": "false",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            # Plain http on 127.0.0.1: the https protections are turned off by name.
            "SECURE_COOKIES": "false",
            "SECURE_SSL_REDIRECT": "false",
            "SECURE_HSTS_SECONDS": "0",
            "LOG_LEVEL": "WARNING",
        }
    )
    return reuse


ARGUMENTS = parse_arguments()
REUSE = configure_environment(ARGUMENTS)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from stdnum.fi import alv, ytunnus  # noqa: E402

from avustamo.organisations.models import OrganisationType  # noqa: E402
from avustamo.programmes.models import Agency, Call, Programme  # noqa: E402
from avustamo.programmes.reference import load_reference_data  # noqa: E402
from avustamo.reference.models import Municipality  # noqa: E402
from avustamo.register import exports, search  # noqa: E402
from avustamo.register.models import GrantOutcome, GrantTotal, PublishedGrant  # noqa: E402
from avustamo.register.services import refresh_derived  # noqa: E402
from bench.serving import Gunicorn, get, load_average, machine  # noqa: E402

# ---------------------------------------------------------------------------------------------------------------
# What the register holds: agencies, programmes, calls, organisations and their grants.

FIRST_YEAR, LAST_YEAR = 2007, 2026
# Up to this year the register holds what the ministries published as lists: no dates, some Business IDs missing.
LAST_HISTORIC_YEAR = 2015

AGENCIES = [
    ("STM", "Sosiaali- ja terveysministeriö", "Social- och hälsovårdsministeriet",
     "Ministry of Social Affairs and Health", "https://stm.fi"),
    ("YM", "Ympäristöministeriö", "Miljöministeriet", "Ministry of the Environment", "https://ym.fi"),
    ("MMM", "Maa- ja metsätalousministeriö", "Jord- och skogsbruksministeriet",
     "Ministry of Agriculture and Forestry", "https://mmm.fi"),
    ("OM", "Oikeusministeriö", "Justitieministeriet", "Ministry of Justice", "https://oikeusministerio.fi"),
]  # fmt: skip

T = OrganisationType


@dataclass(frozen=True)
class ProgrammePlan:
    """A programme as the bench runs it: from which year, how many grants, how large, for whom, on what."""

    code: str
    agency: str
    names: tuple[str, str, str] | None  # None: the programme comes with the reference data
    first_year: int
    volume: float
    median_amount: int
    recipients: dict[str, float]
    theme: str
    general: float = 0.0  # share of general (operating) grants rather than projects


PROGRAMMES = [
    ProgrammePlan("tem-kotoutuminen-jarjestoavustus", "TEM", None, 2010, 2.0, 35_000,
                  {T.REGISTERED_ASSOCIATION: 0.85, T.FOUNDATION: 0.1, T.RELIGIOUS_COMMUNITY: 0.05}, "integration"),
    ProgrammePlan("tem-maahanmuuttajien-osaamiskeskukset", "TEM", None, 2020, 0.02, 300_000,
                  {T.MUNICIPALITY: 1.0}, "employment"),
    ProgrammePlan("tem-ohjaus-ja-neuvontapalvelut", "TEM", None, 2018, 0.06, 150_000,
                  {T.MUNICIPALITY: 0.8, T.JOINT_MUNICIPAL_AUTHORITY: 0.2}, "integration"),
    ProgrammePlan("tem-talent-hub", "TEM", None, 2021, 0.03, 200_000, {T.MUNICIPALITY: 1.0}, "employment"),
    ProgrammePlan("okm-nuorisotyo", "OKM", ("Nuorisotyön erityisavustus", "Specialunderstöd för ungdomsarbete",
                  "Special grant for youth work"), FIRST_YEAR, 6.0, 12_000,
                  {T.REGISTERED_ASSOCIATION: 0.9, T.FOUNDATION: 0.05, T.MUNICIPALITY: 0.05}, "youth", 0.3),
    ProgrammePlan("okm-liikunta", "OKM", ("Liikuntaa edistävien järjestöjen avustus",
                  "Understöd till organisationer som främjar idrott", "Grants to sports organisations"),
                  FIRST_YEAR, 8.0, 6_000, {T.REGISTERED_ASSOCIATION: 0.97, T.OTHER: 0.03}, "sport", 0.5),
    ProgrammePlan("okm-kulttuuri", "OKM", ("Kulttuurin erityisavustus", "Specialunderstöd för kultur",
                  "Special grant for culture"), FIRST_YEAR, 6.0, 9_000,
                  {T.REGISTERED_ASSOCIATION: 0.7, T.FOUNDATION: 0.2, T.COMPANY: 0.07, T.OTHER: 0.03}, "culture"),
    ProgrammePlan("stm-sote-jarjestot", "STM", ("Sosiaali- ja terveysjärjestöjen avustus",
                  "Understöd till social- och hälsovårdsorganisationer",
                  "Grants to social welfare and health organisations"), FIRST_YEAR, 5.0, 55_000,
                  {T.REGISTERED_ASSOCIATION: 0.85, T.FOUNDATION: 0.15}, "social", 0.4),
    ProgrammePlan("stm-kehittamishankkeet", "STM", ("Sosiaali- ja terveydenhuollon kehittämishankkeet",
                  "Utvecklingsprojekt inom social- och hälsovården", "Development projects in social and health care"),
                  2009, 0.3, 250_000, {T.MUNICIPALITY: 0.5, T.JOINT_MUNICIPAL_AUTHORITY: 0.3,
                  T.WELLBEING_SERVICES_COUNTY: 0.2}, "social"),
    ProgrammePlan("ym-ymparistojarjestot", "YM", ("Ympäristöjärjestöjen avustus", "Understöd till miljöorganisationer",
                  "Grants to environmental organisations"), FIRST_YEAR, 1.0, 10_000,
                  {T.REGISTERED_ASSOCIATION: 0.95, T.FOUNDATION: 0.05}, "environment", 0.3),
    ProgrammePlan("ym-vesistojen-kunnostus", "YM", ("Vesistöjen kunnostus", "Restaurering av vattendrag",
                  "Restoration of waterways"), 2013, 0.7, 18_000,
                  {T.OTHER: 0.4, T.MUNICIPALITY: 0.3, T.REGISTERED_ASSOCIATION: 0.3}, "environment"),
    ProgrammePlan("mmm-maaseudun-kehittaminen", "MMM", ("Maaseudun kehittämishankkeet",
                  "Projekt för landsbygdsutveckling", "Rural development projects"), FIRST_YEAR, 2.0, 45_000,
                  {T.REGISTERED_ASSOCIATION: 0.6, T.COMPANY: 0.2, T.MUNICIPALITY: 0.1,
                  T.JOINT_MUNICIPAL_AUTHORITY: 0.1}, "rural"),
    ProgrammePlan("mmm-kalatalous", "MMM", ("Kalatalousjärjestöjen avustus", "Understöd till fiskeriorganisationer",
                  "Grants to fisheries organisations"), FIRST_YEAR, 0.5, 14_000,
                  {T.REGISTERED_ASSOCIATION: 0.6, T.OTHER: 0.4}, "environment", 0.4),
    ProgrammePlan("om-demokratia", "OM", ("Demokratiaa ja osallisuutta edistävä avustus",
                  "Understöd för demokrati och delaktighet", "Grants for democracy and participation"), 2015, 0.5,
                  20_000, {T.REGISTERED_ASSOCIATION: 0.9, T.FOUNDATION: 0.1}, "democracy"),
    ProgrammePlan("om-rikoksentorjunta", "OM", ("Rikoksentorjunnan avustus", "Understöd för brottsförebyggande arbete",
                  "Crime prevention grants"), 2010, 0.3, 9_000,
                  {T.REGISTERED_ASSOCIATION: 0.8, T.MUNICIPALITY: 0.2}, "democracy"),
]  # fmt: skip

# Population of each region in thousands (Statistics Finland, 2023), and of the larger towns in it.
REGION_POPULATION = {
    "01": 1733, "02": 487, "04": 213, "05": 170, "06": 530, "07": 205, "08": 161, "09": 126, "10": 131,
    "11": 249, "12": 163, "13": 275, "14": 191, "15": 177, "16": 68, "17": 416, "18": 71, "19": 177, "21": 30,
}  # fmt: skip
TOWN_POPULATION = {
    "Helsinki": 664, "Espoo": 305, "Tampere": 249, "Vantaa": 243, "Oulu": 213, "Turku": 200, "Jyväskylä": 147,
    "Kuopio": 124, "Lahti": 121, "Pori": 83, "Kouvola": 79, "Joensuu": 77, "Lappeenranta": 73, "Hämeenlinna": 68,
    "Vaasa": 68, "Seinäjoki": 65, "Rovaniemi": 65, "Mikkeli": 52, "Porvoo": 51, "Salo": 51, "Kotka": 51,
    "Kokkola": 48, "Hyvinkää": 47, "Lohja": 46, "Järvenpää": 46, "Nurmijärvi": 44, "Rauma": 39, "Kirkkonummi": 40,
    "Tuusula": 40, "Kajaani": 36, "Kerava": 38, "Savonlinna": 32, "Kangasala": 33, "Sipoo": 22,
    "Maarianhamina": 12, "Kemi": 20, "Raisio": 25, "Iisalmi": 21, "Pietarsaari": 19, "Närpiö": 9,
}  # fmt: skip
# Share of Swedish-speaking organisations by region.
SWEDISH_SHARE = {"21": 0.95, "15": 0.45, "16": 0.08, "01": 0.07, "02": 0.05}
REGION_GENITIVE = {
    "01": "Uudenmaan", "02": "Varsinais-Suomen", "04": "Satakunnan", "05": "Kanta-Hämeen", "06": "Pirkanmaan",
    "07": "Päijät-Hämeen", "08": "Kymenlaakson", "09": "Etelä-Karjalan", "10": "Etelä-Savon",
    "11": "Pohjois-Savon", "12": "Pohjois-Karjalan", "13": "Keski-Suomen", "14": "Etelä-Pohjanmaan",
    "15": "Pohjanmaan", "16": "Keski-Pohjanmaan", "17": "Pohjois-Pohjanmaan", "18": "Kainuun", "19": "Lapin",
    "21": "Ahvenanmaan",
}  # fmt: skip

# Finnish genitive (Tampere → Tampereen) of place names: the ending rules cover most, the rest are listed.
GENITIVE_EXCEPTIONS = {
    "Turku": "Turun", "Raahe": "Raahen", "Hanko": "Hangon", "Uusikaupunki": "Uudenkaupungin",
    "Uusikaarlepyy": "Uudenkaarlepyyn", "Koski Tl": "Kosken Tl", "Virrat": "Virtain", "Alavus": "Alavuden",
    "Varkaus": "Varkauden", "Kannus": "Kannuksen", "Muhos": "Muhoksen", "Nurmes": "Nurmeksen",
    "Pihtipudas": "Pihtiputaan", "Punkalaidun": "Punkalaitumen", "Kitee": "Kiteen",
}  # fmt: skip
GENITIVE_ENDINGS = (
    ("nen", "sen"), ("koski", "kosken"), ("joki", "joen"), ("järvi", "järven"), ("lahti", "lahden"),
    ("niemi", "niemen"), ("mäki", "mäen"), ("salmi", "salmen"), ("lampi", "lammen"), ("vesi", "veden"),
    ("nummi", "nummen"), ("saari", "saaren"), ("ranta", "rannan"), ("nki", "ngin"), ("e", "een"),
)  # fmt: skip


def genitive(name: str) -> str:
    if name in GENITIVE_EXCEPTIONS:
        return GENITIVE_EXCEPTIONS[name]
    for ending, replacement in GENITIVE_ENDINGS:
        if name.endswith(ending):
            return name[: -len(ending)] + replacement
    return name + ("n" if name[-1] in "aeiouyäö" else "in")


# Word lists for names. Finnish kinds of association with their Swedish counterparts.
ASSOCIATION_KINDS = [
    ("Nuorisoseura", "Ungdomsförening"), ("Urheiluseura", "Idrottsförening"), ("Kyläyhdistys", "Byaförening"),
    ("Kotiseutuyhdistys", "Hembygdsförening"), ("Eläkeläiset", "Pensionärer"), ("Marttayhdistys", "Marthaförening"),
    ("Monikulttuuriyhdistys", "Mångkulturell förening"), ("Maahanmuuttajayhdistys", "Invandrarförening"),
    ("Partiolaiset", "Scouter"), ("Vanhempainyhdistys", "Föräldraförening"), ("Sotaveteraanit", "Krigsveteraner"),
    ("Kuoro", "Kör"), ("Teatteriyhdistys", "Teaterförening"), ("Metsästysseura", "Jaktförening"),
    ("Invalidiyhdistys", "Invalidförening"), ("Mielenterveysyhdistys", "Förening för mental hälsa"),
    ("Omaishoitajat", "Närståendevårdare"), ("Luonnonsuojeluyhdistys", "Naturskyddsförening"),
    ("Taideyhdistys", "Konstförening"), ("Musiikkiyhdistys", "Musikförening"), ("Perheyhdistys", "Familjeförening"),
    ("Yrittäjät", "Företagare"), ("Työttömät", "Arbetslösa"), ("Reumayhdistys", "Reumaförening"),
    ("Diabetesyhdistys", "Diabetesförening"), ("Setlementti", "Settlementförening"),
    ("Vapaapalokunta", "Frivilliga brandkår"), ("Ratsastusseura", "Ryttarförening"),
    ("Kalastusseura", "Fiskeförening"), ("Shakkikerho", "Schackklubb"), ("Tanssiseura", "Dansförening"),
    ("Asukasyhdistys", "Invånarförening"), ("Latu", "Skidförening"), ("Ladyt", "Damklubb"),
    ("Nuorkauppakamari", "Juniorhandelskammare"),
]  # fmt: skip
FANCY_FI = [
    "Kotipiha", "Majakka", "Silta", "Kipinä", "Aurinko", "Tuulispää", "Koivu", "Kataja", "Pihlaja", "Revontuli",
    "Ankkuri", "Kompassi", "Tähti", "Sateenkaari", "Helmi", "Kultakala", "Kannel", "Ilo", "Voima", "Kaiku", "Kajo",
    "Loimu", "Lumo", "Virta", "Laine", "Saaga", "Onni", "Pajupilli", "Toivo", "Harmonia", "Sisu", "Kide",
    "Sarastus", "Aamurusko", "Kelo", "Honka", "Kuusi", "Louhi", "Tapio", "Ahti", "Myrsky", "Pilvi", "Ruska",
    "Hilla", "Lakka", "Kaisla", "Ulappa", "Luoto", "Pursi", "Soihtu", "Lyhty", "Tuikku", "Kehrä", "Kanerva",
    "Vuokko", "Kielo", "Orvokki", "Kaneli", "Satakieli", "Peippo",
]  # fmt: skip
FANCY_SV = [
    "Fyren", "Bron", "Gnistan", "Solen", "Ankaret", "Kompassen", "Stjärnan", "Regnbågen", "Pärlan", "Björken",
    "Ljuset", "Glädjen", "Vågen", "Sagan", "Hoppet", "Eken", "Linden", "Måsen", "Seglet", "Lyktan", "Kompisen",
    "Tranan", "Vinden", "Källan", "Ängen",
]  # fmt: skip
ADJECTIVES = [
    "Monikulttuurinen", "Kansainvälinen", "Suomalais-somalialainen", "Suomalais-venäläinen", "Kristillinen",
    "Nuorten", "Naisten", "Seniorien", "Perheiden", "Kaupunginosien", "Yhteinen", "Pohjoinen",
]  # fmt: skip
# Districts of the larger towns and villages elsewhere, in the genitive, for local associations' names.
DISTRICTS = {
    "Helsinki": "Kallion Vuosaaren Malmin Kontulan Pasilan Herttoniemen Munkkiniemen Lauttasaaren Käpylän "
    "Kannelmäen Itäkeskuksen Myllypuron Pihlajamäen Maunulan Töölön Puistolan Tapanilan Vallilan",
    "Espoo": "Tapiolan Leppävaaran Matinkylän Espoonlahden Olarin Kauklahden Soukan Kivenlahden Otaniemen "
    "Kalajärven",
    "Tampere": "Hervannan Kalevan Tesoman Lielahden Pispalan Annalan Multisillan Vuoreksen Takahuhdin Härmälän",
    "Vantaa": "Tikkurilan Myyrmäen Korson Hakunilan Martinlaakson Koivukylän Länsimäen Aviapoliksen",
    "Oulu": "Kaakkurin Tuiran Linnanmaan Haukiputaan Kiimingin Kaijonharjun Toppilan Myllyojan",
    "Turku": "Varissuon Runosmäen Hirvensalon Nummen Halisten Martin Raunistulan Pansion",
    "Jyväskylä": "Kortepohjan Huhtasuon Keltinmäen Vaajakosken Palokan Kuokkalan",
    "Kuopio": "Petosen Puijonlaakson Saaristokaupungin Neulamäen Männistön",
    "Lahti": "Liipolan Mukkulan Kiveriön Ahtialan Launeen",
}
VILLAGES = [
    "Koivulan", "Katajalan", "Honkalan", "Kuuselan", "Mäkelän", "Rantalan", "Niemelän", "Järvelän", "Anttilan",
    "Haapalan", "Kivelän", "Vaaralan", "Hirvelän", "Peltolan", "Lammilan", "Kurkelan", "Väärälän", "Ylikylän",
]  # fmt: skip
VILLAGES_SV = [
    "Strandby",
    "Västerby",
    "Österby",
    "Norrby",
    "Sundby",
    "Bäckby",
    "Kvarnby",
    "Skogby",
    "Åby",
    "Storby",
]
SURNAMES_FI = [
    "Virtanen", "Korhonen", "Nieminen", "Mäkinen", "Hämäläinen", "Laine", "Heikkinen", "Koskinen", "Järvinen",
    "Lehtonen", "Lehtinen", "Saarinen", "Salminen", "Heinonen", "Niemi", "Heikkilä", "Kinnunen", "Salonen",
    "Turunen", "Salo", "Laitinen", "Tuominen", "Rantanen", "Karjalainen", "Jokinen", "Mattila", "Savolainen",
    "Lahtinen", "Ahonen", "Aaltonen",
]  # fmt: skip
SURNAMES_SV = [
    "Lindqvist", "Lindholm", "Nyström", "Sjöberg", "Holmström", "Karlsson", "Eriksson", "Johansson", "Björklund",
    "Grönroos", "Westerlund", "Åkerblom", "Forsman", "Sundqvist", "Öhman",
]  # fmt: skip
FIRST_NAMES = [
    "Aino", "Eino", "Emil", "Helmi", "Väinö", "Lyyli", "Toivo", "Elsa", "Oskari", "Hilja", "Uuno", "Saima",
    "Kaarlo", "Impi", "Armas", "Tyyne", "Lauri", "Martta", "Yrjö", "Kerttu", "Anders", "Greta", "Gustav", "Ebba",
]  # fmt: skip
FOUNDATION_KINDS = [
    "säätiö",
    "Kulttuurisäätiö",
    "Sosiaalisäätiö",
    "Opintosäätiö",
    "Nuorisosäätiö",
    "Tukisäätiö",
]
RELIGIOUS_KINDS = [
    "Helluntaiseurakunta", "Vapaaseurakunta", "Adventtiseurakunta", "Baptistiseurakunta",
    "ortodoksinen seurakunta", "islamilainen yhdyskunta", "Metodistiseurakunta", "Lähetysseurakunta",
]  # fmt: skip
RELIGIOUS_KINDS_SV = [
    "Pingstförsamlingen",
    "Frikyrkoförsamlingen",
    "Baptistförsamlingen",
    "Metodistförsamlingen",
]
BUSINESSES = [
    "Palvelut", "Kiinteistöhuolto", "Rakennus", "Konsultointi", "Kuljetus", "Media", "Matkailu", "Puutarha",
    "Ohjelmapalvelut", "Koulutus", "Hoiva", "Energia", "Metsäpalvelut", "Kalastus", "Tuotanto", "Design",
    "Elämyspalvelut", "Ruokapalvelut", "Tapahtumat", "Teknologia",
]  # fmt: skip
OTHER_KINDS = [
    "osuuskunta", "vesiosuuskunta", "työosuuskunta", "kylätoimikunta", "kansalaisopisto", "musiikkiopisto",
    "kesäyliopisto", "kalastuskunta", "osakaskunta", "tiekunta", "jakokunta", "yhteisalue",
]  # fmt: skip

# Project names and purposes. Target groups: genitive plural, allative plural, Swedish.
TARGETS = {
    "nuoret": ("nuorten", "nuorille", "unga"),
    "lapset": ("lasten", "lapsille", "barn"),
    "perheet": ("perheiden", "perheille", "familjer"),
    "ikäihmiset": ("ikäihmisten", "ikäihmisille", "äldre"),
    "maahanmuuttajat": ("maahanmuuttajien", "maahanmuuttajille", "invandrare"),
    "maahanmuuttajanaiset": ("maahanmuuttajanaisten", "maahanmuuttajanaisille", "invandrarkvinnor"),
    "työttömät": ("työttömien", "työttömille", "arbetslösa"),
    "opiskelijat": ("opiskelijoiden", "opiskelijoille", "studerande"),
    "vammaiset": ("vammaisten", "vammaisille", "personer med funktionsnedsättning"),
    "omaishoitajat": ("omaishoitajien", "omaishoitajille", "närståendevårdare"),
    "kotoutujat": ("kotoutujien", "kotoutujille", "nyanlända"),
    "asukkaat": ("asukkaiden", "asukkaille", "invånare"),
    "vapaaehtoiset": ("vapaaehtoisten", "vapaaehtoisille", "frivilliga"),
    "koululaiset": ("koululaisten", "koululaisille", "skolelever"),
    "harrastajat": ("harrastajien", "harrastajille", "utövare"),
    "kyläläiset": ("kyläläisten", "kyläläisille", "bybor"),
    "yrittäjät": ("yrittäjien", "yrittäjille", "företagare"),
}
# Activities: nominative, partitive, Swedish.
ACTIVITIES = {
    "vertaistuki": ("vertaistuki", "vertaistukea", "kamratstöd"),
    "ohjaus": ("ohjaus ja neuvonta", "ohjausta ja neuvontaa", "handledning och rådgivning"),
    "kieli": ("kielikoulutus", "kielikoulutusta", "språkundervisning"),
    "digi": ("digiopastus", "digiopastusta", "digital handledning"),
    "harrastus": ("harrastustoiminta", "harrastustoimintaa", "fritidsverksamhet"),
    "liikunta": ("liikuntaryhmät", "liikuntaryhmiä", "motionsgrupper"),
    "kulttuuri": ("kulttuuritoiminta", "kulttuuritoimintaa", "kulturverksamhet"),
    "työllistyminen": ("työllistymisen tuki", "työllistymisen tukea", "sysselsättningsstöd"),
    "kohtaamispaikka": ("kohtaamispaikkatoiminta", "kohtaamispaikkatoimintaa", "mötesplatsverksamhet"),
    "ympäristö": ("ympäristökasvatus", "ympäristökasvatusta", "miljöfostran"),
    "luonto": ("luontoretket", "luontoretkiä", "naturutflykter"),
    "ruoka": ("ruoka-apu", "ruoka-apua", "matbistånd"),
    "asuminen": ("asumisneuvonta", "asumisneuvontaa", "boenderådgivning"),
    "kerho": ("kerhotoiminta", "kerhotoimintaa", "klubbverksamhet"),
    "leiri": ("leiritoiminta", "leiritoimintaa", "lägerverksamhet"),
    "valmennus": ("valmennus", "valmennusta", "träning"),
    "etsivä": ("etsivä nuorisotyö", "etsivää nuorisotyötä", "uppsökande ungdomsarbete"),
    "taide": ("taidetyöpajat", "taidetyöpajoja", "konstverkstäder"),
    "kuntouttava": (
        "kuntouttava työtoiminta",
        "kuntouttavaa työtoimintaa",
        "rehabiliterande arbetsverksamhet",
    ),
    "mielenterveys": ("mielenterveystyö", "mielenterveystyötä", "mentalvårdsarbete"),
    "vesistö": ("vesistöjen kunnostus", "vesistöjen kunnostusta", "restaurering av vattendrag"),
    "kala": ("kalakantojen hoito", "kalakantojen hoitoa", "fiskevård"),
    "kylätalo": ("kylätalon korjaus", "kylätalon korjausta", "renovering av byagården"),
    "demokratia": ("demokratiakasvatus", "demokratiakasvatusta", "demokratifostran"),
    "rikos": ("rikosten ennaltaehkäisy", "rikosten ennaltaehkäisyä", "brottsförebyggande arbete"),
}
THEMES = {
    "integration": (
        ["maahanmuuttajat", "maahanmuuttajanaiset", "kotoutujat", "perheet", "nuoret", "työttömät"],
        [
            "vertaistuki",
            "ohjaus",
            "kieli",
            "digi",
            "työllistyminen",
            "kohtaamispaikka",
            "asuminen",
            "harrastus",
        ],
    ),
    "employment": (
        ["maahanmuuttajat", "kotoutujat", "työttömät", "opiskelijat", "yrittäjät"],
        ["ohjaus", "työllistyminen", "kieli", "valmennus"],
    ),
    "youth": (
        ["nuoret", "lapset", "koululaiset", "opiskelijat", "perheet"],
        ["harrastus", "etsivä", "kerho", "leiri", "digi", "vertaistuki", "taide", "kohtaamispaikka"],
    ),
    "sport": (
        ["nuoret", "lapset", "ikäihmiset", "harrastajat", "vammaiset", "perheet"],
        ["liikunta", "valmennus", "leiri", "harrastus", "kerho"],
    ),
    "culture": (
        ["lapset", "nuoret", "ikäihmiset", "asukkaat", "harrastajat", "maahanmuuttajat"],
        ["kulttuuri", "taide", "kerho", "harrastus", "leiri"],
    ),
    "social": (
        ["ikäihmiset", "omaishoitajat", "vammaiset", "perheet", "työttömät", "nuoret", "vapaaehtoiset"],
        ["vertaistuki", "ohjaus", "mielenterveys", "ruoka", "asuminen", "kuntouttava", "kohtaamispaikka"],
    ),
    "environment": (
        ["asukkaat", "lapset", "koululaiset", "vapaaehtoiset", "kyläläiset", "harrastajat"],
        ["ympäristö", "luonto", "vesistö", "kala"],
    ),
    "rural": (
        ["kyläläiset", "yrittäjät", "nuoret", "ikäihmiset", "asukkaat"],
        ["kylätalo", "digi", "harrastus", "kohtaamispaikka", "valmennus"],
    ),
    "democracy": (
        ["nuoret", "maahanmuuttajat", "asukkaat", "koululaiset", "vapaaehtoiset"],
        ["demokratia", "rikos", "vertaistuki", "ohjaus"],
    ),
}
PROJECT_VERBS = ["järjestetään", "tarjotaan", "kehitetään", "lisätään", "vakiinnutetaan"]
GOALS = [
    ("vähentää", "yksinäisyyttä"), ("edistää", "työllistymistä"), ("tukea", "kotoutumista"),
    ("lisätä", "osallisuutta"), ("parantaa", "hyvinvointia"), ("vahvistaa", "mielenterveyttä"),
    ("lisätä", "liikkumista"), ("edistää", "yhdenvertaisuutta"), ("vahvistaa", "kielitaitoa"),
    ("tukea", "arjenhallintaa"),
]  # fmt: skip


@dataclass(frozen=True)
class Recipient:
    number: int
    name: str
    business_id: str
    kind: str
    municipality: str
    region: str
    language: str
    place_genitive: str
    place_name: str  # in the organisation's own language


@dataclass(frozen=True)
class Place:
    code: str
    name_fi: str
    name_sv: str
    region: str
    genitive: str
    town: bool
    # Districts or villages in the genitive (Kallion, Koivulan), for names of local organisations.
    localities: tuple[str, ...]


class NameBook:
    """Unique organisation names of each type from the word lists, local to the home municipality."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.taken: set[str] = set()

    def unique(self, *makers, tries: int = 40) -> str | None:
        for _ in range(tries):
            name = self.rng.choice(makers)()
            if name not in self.taken:
                self.taken.add(name)
                return name
        return None

    def local(self, place: Place) -> str:
        """The municipality, or one of its districts or villages, in the genitive."""
        return place.genitive if self.rng.random() < 0.5 else self.rng.choice(place.localities)

    def local_sv(self, place: Place) -> str:
        return place.name_sv if self.rng.random() < 0.5 else self.rng.choice(VILLAGES_SV)

    def association(self, place: Place, language: str) -> str | None:
        choice = self.rng.choice
        if language == "sv":
            return self.unique(
                lambda: f"{self.local_sv(place)} {choice(ASSOCIATION_KINDS)[1]} rf",
                lambda: (
                    f"{self.local_sv(place)} {choice(ASSOCIATION_KINDS)[1].lower()} {choice(FANCY_SV)} rf"
                ),
                lambda: f"{choice(ASSOCIATION_KINDS)[1]} {choice(FANCY_SV)} rf",
            )
        return self.unique(
            lambda: f"{self.local(place)} {choice(ASSOCIATION_KINDS)[0]} ry",
            lambda: f"{self.local(place)} {choice(ASSOCIATION_KINDS)[0].lower()} {choice(FANCY_FI)} ry",
            lambda: f"{self.local(place)} {choice(ASSOCIATION_KINDS)[0].lower()} {choice(FANCY_FI)} ry",
            lambda: f"{choice(ASSOCIATION_KINDS)[0]} {choice(FANCY_FI)} ry",
            lambda: f"{choice(ADJECTIVES)} {choice(ASSOCIATION_KINDS)[0].lower()} {choice(FANCY_FI)} ry",
        )

    def foundation(self, place: Place, language: str) -> str | None:
        choice = self.rng.choice

        def founders(conjunction: str) -> str:
            first, second = self.rng.sample(FIRST_NAMES, 2)
            return f"{first} {conjunction} {second}"

        if language == "sv":
            return self.unique(
                lambda: f"Stiftelsen {founders('och')} {choice(SURNAMES_SV)} sr",
                lambda: f"Stiftelsen {choice(FANCY_SV)} i {place.name_sv} sr",
            )
        return self.unique(
            lambda: f"{self.local(place)} {choice(FOUNDATION_KINDS)} sr",
            lambda: f"{choice(FIRST_NAMES)} {genitive(choice(SURNAMES_FI))} {choice(FOUNDATION_KINDS)} sr",
            lambda: f"{founders('ja')} {genitive(choice(SURNAMES_FI))} säätiö sr",
        )

    def religious_community(self, place: Place, language: str) -> str | None:
        choice = self.rng.choice
        if language == "sv":
            return self.unique(lambda: f"{choice(RELIGIOUS_KINDS_SV)} i {self.local_sv(place)}")
        return self.unique(lambda: f"{self.local(place)} {choice(RELIGIOUS_KINDS)}")

    def company(self, place: Place, language: str) -> str | None:
        choice = self.rng.choice
        suffix = "Ab" if language == "sv" else "Oy"
        return self.unique(
            lambda: f"{self.local(place)} {choice(BUSINESSES)} {suffix}",
            lambda: f"{choice(FANCY_FI)} {choice(BUSINESSES)} {suffix}",
            lambda: f"{choice(SURNAMES_FI + SURNAMES_SV)} {choice(BUSINESSES)} {suffix}",
        )

    def other(self, place: Place, language: str) -> str | None:
        return self.unique(lambda: f"{self.local(place)} {self.rng.choice(OTHER_KINDS)}")


# Shares of the organisations that are not public bodies (those are one per municipality, region or authority).
ORGANISATION_SHARES = {
    T.REGISTERED_ASSOCIATION: 0.855,
    T.FOUNDATION: 0.085,
    T.RELIGIOUS_COMMUNITY: 0.01,
    T.COMPANY: 0.035,
    T.OTHER: 0.015,
}


def business_ids(count: int, rng: random.Random):
    """`count` distinct valid Business IDs: seven digits and the check digit stdnum computes."""
    made = 0
    for base in rng.sample(range(100_000, 3_400_000), count + count // 5):
        check = -alv.checksum(f"{base:07d}0") % 11
        if check == 10:  # no check digit makes this number valid
            continue
        business_id = f"{base:07d}-{check}"
        assert ytunnus.is_valid(business_id), business_id
        yield business_id
        made += 1
        if made == count:
            return
    raise RuntimeError("ran out of Business IDs")


def places() -> list[Place]:
    return [
        Place(
            code=m.code,
            name_fi=m.name_fi,
            name_sv=m.name_sv,
            region=m.region_id,
            genitive=genitive(m.name_fi),
            town=m.name_fi in TOWN_POPULATION,
            localities=tuple(DISTRICTS[m.name_fi].split()) if m.name_fi in DISTRICTS else tuple(VILLAGES),
        )
        for m in Municipality.objects.filter(valid_until_year__isnull=True).order_by("code")
    ]


def place_weights(all_places: list[Place]) -> list[float]:
    """Each municipality's share of the organisations: regions by population, and within a region the towns by
    theirs and the other municipalities alike."""
    by_region: dict[str, list[Place]] = {}
    for place in all_places:
        by_region.setdefault(place.region, []).append(place)
    weights = {}
    for region, members in by_region.items():
        towns = sum(TOWN_POPULATION.get(place.name_fi, 0) for place in members)
        rest = [place for place in members if place.name_fi not in TOWN_POPULATION]
        others = max(REGION_POPULATION[region] - towns, REGION_POPULATION[region] * 0.2)
        for place in members:
            weights[place.code] = TOWN_POPULATION.get(place.name_fi) or others / len(rest)
    return [weights[place.code] for place in all_places]


def language_of(place: Place, rng: random.Random) -> str:
    return "sv" if rng.random() < SWEDISH_SHARE.get(place.region, 0.005) else "fi"


def build_recipients(count: int, rng: random.Random) -> dict[str, list[Recipient]]:
    """About `count` organisations by type: public bodies first, then the rest by ORGANISATION_SHARES."""
    all_places = places()
    weights = place_weights(all_places)
    ids = business_ids(count + 1000, rng)
    names = NameBook(rng)
    found: dict[str, list[Recipient]] = {kind: [] for kind in T.values}

    def add(kind: str, name: str, place: Place, language: str) -> None:
        number = sum(len(members) for members in found.values())
        found[kind].append(
            Recipient(
                number=number,
                name=name,
                business_id=next(ids),
                kind=kind,
                municipality=place.code,
                region=place.region,
                language=language,
                place_genitive=place.genitive,
                place_name=place.name_sv if language == "sv" else place.name_fi,
            )
        )

    # Municipalities, largest first so that the skewed choice favours them.
    for place in sorted(all_places, key=lambda p: -TOWN_POPULATION.get(p.name_fi, 0)):
        language = "sv" if place.region == "21" or (place.region == "15" and not place.town) else "fi"
        if language == "sv":
            name = f"{place.name_sv} {'stad' if place.town else 'kommun'}"
        else:
            name = f"{place.genitive} {'kaupunki' if place.town else 'kunta'}"
        names.taken.add(name)
        add(T.MUNICIPALITY, name, place, language)
    # Regional councils, hospital districts and joint education authorities; wellbeing services counties.
    capitals = {}
    for place in all_places:
        if place.region not in capitals or TOWN_POPULATION.get(place.name_fi, 0) > TOWN_POPULATION.get(
            capitals[place.region].name_fi, 0
        ):
            capitals[place.region] = place
    for region, capital in sorted(capitals.items()):
        for kind_name in ("liitto", "sairaanhoitopiiri"):
            add(T.JOINT_MUNICIPAL_AUTHORITY, f"{REGION_GENITIVE[region]} {kind_name}", capital, "fi")
        if region != "21":
            add(T.WELLBEING_SERVICES_COUNTY, f"{REGION_GENITIVE[region]} hyvinvointialue", capital, "fi")
    for place in rng.sample(all_places, 150):
        add(T.JOINT_MUNICIPAL_AUTHORITY, f"{place.genitive} seudun koulutuskuntayhtymä", place, "fi")

    makers = {
        T.REGISTERED_ASSOCIATION: names.association,
        T.FOUNDATION: names.foundation,
        T.RELIGIOUS_COMMUNITY: names.religious_community,
        T.COMPANY: names.company,
        T.OTHER: names.other,
    }
    kinds, shares = zip(*ORGANISATION_SHARES.items(), strict=True)
    remaining = count - sum(len(members) for members in found.values())
    for kind, place in zip(
        rng.choices(kinds, weights=shares, k=remaining),
        rng.choices(all_places, weights=weights, k=remaining),
        strict=True,
    ):
        for _ in range(20):
            language = language_of(place, rng)
            name = makers[kind](place, language)
            if name is not None:
                break
            place = rng.choices(all_places, weights=weights)[0]  # names there are used up: elsewhere
        else:
            raise RuntimeError(f"ran out of names of {kind}: add words to bench/register.py")
        add(kind, name, place, language)
    for members in found.values():
        if len(members) > 400:  # who gets many grants should not follow the municipality order
            rng.shuffle(members)
    return found


def create_programmes() -> dict[str, Programme]:
    for code, name_fi, name_sv, name_en, website in AGENCIES:
        Agency.objects.get_or_create(
            code=code,
            defaults={"name_fi": name_fi, "name_sv": name_sv, "name_en": name_en, "website": website},
        )
    agencies = {agency.code: agency for agency in Agency.objects.all()}
    programmes = {}
    for plan in PROGRAMMES:
        if plan.names is None:
            programmes[plan.code] = Programme.objects.get(code=plan.code)
            continue
        name_fi, name_sv, name_en = plan.names
        programmes[plan.code], _ = Programme.objects.get_or_create(
            code=plan.code,
            defaults={
                "agency": agencies[plan.agency],
                "name_fi": name_fi,
                "name_sv": name_sv,
                "name_en": name_en,
                "eligible_organisation_types": list(plan.recipients),
            },
        )
    return programmes


@dataclass(frozen=True)
class CallPlan:
    call: Call
    plan: ProgrammePlan
    year: int
    decided_on: datetime.date
    source_url: str


def create_calls(
    programmes: dict[str, Programme], rng: random.Random
) -> dict[tuple[str, int], list[CallPlan]]:
    """One call per programme and year it runs, and for the larger programmes now and then a second one."""
    helsinki = datetime.timezone(datetime.timedelta(hours=2))
    made = []
    for plan in PROGRAMMES:
        programme = programmes[plan.code]
        for year in range(plan.first_year, LAST_YEAR + 1):
            rounds = 2 if plan.volume >= 2 and rng.random() < 0.3 else 1
            for round_number in range(rounds):
                opens = datetime.datetime(year - 1, 9 if round_number == 0 else 3, 1, 9, tzinfo=helsinki)
                if round_number:
                    opens = opens.replace(year=year)
                closes = opens + datetime.timedelta(days=45, hours=7, minutes=15)
                suffix = "" if round_number == 0 else "-2"
                reference = f"{plan.code.upper()}-{year}{suffix}"
                call = Call(
                    programme=programme,
                    reference=reference,
                    title_fi=f"{programme.name_fi} {year}" + (" (lisähaku)" if round_number else ""),
                    title_sv=f"{programme.name_sv} {year}" + (" (tilläggsansökan)" if round_number else ""),
                    title_en=f"{programme.name_en} {year}" + (" (additional call)" if round_number else ""),
                    opens_at=opens,
                    closes_at=closes,
                    published_at=opens - datetime.timedelta(days=14),
                    source_urls=f"{programme.agency.website}/avustukset/{plan.code}/{year}",
                )
                decided_on = (closes + datetime.timedelta(days=rng.randint(50, 90))).date()
                made.append((plan, year, call, decided_on))
    Call.objects.bulk_create([call for _, _, call, _ in made], batch_size=1000)
    calls: dict[tuple[str, int], list[CallPlan]] = {}
    for plan, year, call, decided_on in made:
        calls.setdefault((plan.code, year), []).append(
            CallPlan(call, plan, year, decided_on, call.source_urls)
        )
    return calls


# Every column of PublishedGrant the bench writes, in this order; the id is left to the database.
COLUMNS = (
    "call_id", "programme_id", "agency_id", "organisation_id", "decision_id", "outcome", "recipient_name",
    "recipient_business_id", "recipient_type", "municipality_id", "region_id", "project_name", "purpose",
    "amount_awarded", "funding_year", "decision_date", "period_start", "period_end", "source", "source_url",
    "source_language", "source_notes", "source_identifier", "search_text", "published_at",
)  # fmt: skip


def check_columns() -> None:
    columns = {field.column for field in PublishedGrant._meta.concrete_fields if not field.primary_key}
    if columns != set(COLUMNS):
        raise SystemExit(
            f"PublishedGrant's columns changed; update COLUMNS in bench/register.py: "
            f"new {sorted(columns - set(COLUMNS))}, gone {sorted(set(COLUMNS) - columns)}"
        )


def amount_of(plan: ProgrammePlan, rng: random.Random) -> str:
    """Log-normal around the programme's median, 2,000–500,000 €, mostly round hundreds, some to the cent."""
    euros = min(max(rng.lognormvariate(math.log(plan.median_amount), 0.8), 2_000), 500_000)
    roll = rng.random()
    if roll < 0.6:
        cents = round(euros / 100) * 10_000
    elif roll < 0.85:
        cents = round(euros) * 100
    else:
        cents = round(euros * 100)
    return f"{cents // 100}.{cents % 100:02d}"


def project_of(plan: ProgrammePlan, recipient: Recipient, year: int, rng: random.Random) -> tuple[str, str]:
    """A project name and the purpose of use, in the organisation's language."""
    target_keys, activity_keys = THEMES[plan.theme]
    target_genitive, target_allative, target_sv = TARGETS[rng.choice(target_keys)]
    activity, activity_partitive, activity_sv = ACTIVITIES[rng.choice(activity_keys)]
    general = rng.random() < plan.general
    if recipient.language == "sv":
        if general:
            return f"Verksamhetsunderstöd {year}", f"Allmänt understöd för verksamheten år {year}."
        name = rng.choice((f"{activity_sv.capitalize()} för {target_sv}", f"Projekt {rng.choice(FANCY_SV)}"))
        return name, f"Projektet erbjuder {activity_sv} för {target_sv} i {recipient.place_name}."
    if general:
        return f"Yleisavustus {year}", f"Yleisavustus toimintaan vuonna {year}."
    name = rng.choice(
        (
            f"{target_genitive.capitalize()} {activity}",
            f"{activity_partitive.capitalize()} {target_allative}",
            f"{rng.choice(FANCY_FI)}-hanke",
            f"{rng.choice(FANCY_FI)} – {target_genitive} {activity}",
            f"{recipient.place_genitive} {target_genitive} {activity}",
        )
    )
    goal_verb, goal_noun = rng.choice(GOALS)
    purpose = (
        f"Hankkeessa {rng.choice(PROJECT_VERBS)} {target_allative} {activity_partitive} "
        f"{recipient.place_genitive} alueella. Tavoitteena on {goal_verb} {target_genitive} {goal_noun}."
    )
    return name, purpose


def year_weights() -> dict[int, float]:
    """Grants per year grow by about a twentieth a year."""
    return {year: 1 + 0.05 * (year - FIRST_YEAR) for year in range(FIRST_YEAR, LAST_YEAR + 1)}


def pick(members: list[Recipient], rng: random.Random) -> Recipient:
    """A skewed choice: the first organisations of a list get many grants over the years, most get a few."""
    return members[int(len(members) * rng.random() ** 2.2)]


def grant_rows(total: int, recipients, calls, agency_of: dict[str, int], rng: random.Random):
    """Rows of COLUMNS, year by year, oldest first; an organisation has each project once in a call."""
    weights = year_weights()
    scale = total / sum(weights.values())
    counts = {year: round(weight * scale) for year, weight in weights.items()}
    counts[LAST_YEAR] += total - sum(counts.values())
    imported_at = datetime.datetime(2024, 3, 1, 10, tzinfo=datetime.UTC)
    for year, count in counts.items():
        running = [plan for plan in PROGRAMMES if plan.first_year <= year]
        plans = rng.choices(running, weights=[plan.volume for plan in running], k=count)
        taken: set[tuple[int, int, str]] = set()
        historic = year <= LAST_HISTORIC_YEAR
        rows = []
        for plan in plans:
            call_plans = calls[(plan.code, year)]
            call_plan = call_plans[0] if len(call_plans) == 1 or rng.random() < 0.8 else call_plans[1]
            kinds = {kind: share for kind, share in plan.recipients.items() if recipients[kind]}
            if year < 2023:
                kinds.pop(T.WELLBEING_SERVICES_COUNTY, None)
            for _ in range(50):
                kind = rng.choices(list(kinds), weights=list(kinds.values()))[0]
                recipient = pick(recipients[kind], rng)
                project = project_of(plan, recipient, year, rng)
                # The register's own rule: a recipient's project appears once in a call.
                key = (call_plan.call.pk, recipient.number, project[0])
                if key not in taken:
                    break
            else:
                raise RuntimeError(f"no new applicant found for {call_plan.call.reference}")
            taken.add(key)
            rows.append(
                grant_row(plan, call_plan, recipient, project, year, historic, imported_at, agency_of, rng)
            )
        yield year, rows


def grant_row(plan, call_plan, recipient, project, year, historic, imported_at, agency_of, rng) -> tuple:
    roll = rng.random()
    if historic:
        outcome = GrantOutcome.REJECTED if roll < 0.05 else GrantOutcome.AWARDED
    else:
        outcome = (
            GrantOutcome.REJECTED
            if roll < 0.13
            else GrantOutcome.NOT_EXAMINED
            if roll < 0.145
            else GrantOutcome.AWARDED
        )
    awarded = outcome == GrantOutcome.AWARDED
    project_name, purpose = project
    if not awarded:
        purpose = ""
    business_id = recipient.business_id
    if (historic and rng.random() < 0.35) or (year <= 2018 and rng.random() < 0.03):
        business_id = ""
    municipality, region, kind = recipient.municipality, recipient.region, recipient.kind
    if historic and rng.random() < 0.04:
        municipality = region = None
    if historic and rng.random() < 0.1:
        kind = ""
    if historic:
        decided = start = end = None
        published_at = imported_at
    else:
        decided = call_plan.decided_on + datetime.timedelta(days=rng.choice((0, 0, 0, 7, 21)))
        start = max(datetime.date(year, 1, 1), decided) if awarded else None
        end = datetime.date(year + rng.choice((0, 0, 1)), 12, 31) if awarded else None
        published_at = datetime.datetime.combine(
            decided + datetime.timedelta(days=3), datetime.time(10), tzinfo=datetime.UTC
        )
    return (
        call_plan.call.pk,
        call_plan.call.programme_id,
        agency_of[plan.agency],
        None,
        None,
        outcome.value,
        recipient.name,
        business_id,
        kind,
        municipality,
        region,
        project_name,
        purpose,
        amount_of(plan, rng) if awarded else "0.00",
        year,
        decided,
        start,
        end,
        PublishedGrant.Source.PUBLISHED_HISTORY.value,
        call_plan.source_url,
        recipient.language,
        "",
        "",
        search.document(recipient.name, project_name, purpose),
        published_at,
    )


def secondary_indexes() -> list[tuple[str, str]]:
    """The register table's indexes other than its primary key, with the statements that create them."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'register_publishedgrant' "
                "AND indexname NOT IN (SELECT conindid::regclass::text FROM pg_constraint "
                "WHERE conrelid = 'register_publishedgrant'::regclass)"
            )
        else:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'index' "
                "AND tbl_name = 'register_publishedgrant' AND sql IS NOT NULL"
            )
        return cursor.fetchall()


def write_rows(rows: list[tuple]) -> None:
    columns = ", ".join(COLUMNS)
    raw = connection.connection
    if connection.vendor == "postgresql":
        with (
            raw.cursor() as cursor,
            cursor.copy(f"COPY register_publishedgrant ({columns}) FROM STDIN") as copy,
        ):
            for row in rows:
                copy.write_row(row)
    else:
        placeholders = ", ".join("?" * len(COLUMNS))
        raw.executemany(
            f"INSERT INTO register_publishedgrant ({columns}) VALUES ({placeholders})",
            [sqlite_row(row) for row in rows],
        )


def sqlite_row(row: tuple) -> tuple:
    """Dates and times as Django stores them in SQLite: ISO text, times in UTC without an offset."""
    return tuple(
        value.astimezone(datetime.UTC).strftime("%Y-%m-%d %H:%M:%S")
        if isinstance(value, datetime.datetime)
        else value.isoformat()
        if isinstance(value, datetime.date)
        else value
        for value in row
    )


def build(total: int, organisations: int) -> None:
    """Reference data, agencies, programmes, calls, organisations and `total` grants, then totals and ANALYZE."""
    rng = random.Random(20261130)
    check_columns()
    started = time.perf_counter()
    load_reference_data()
    programmes = create_programmes()
    calls = create_calls(programmes, rng)
    recipients = build_recipients(organisations, rng)
    agency_of = {agency.code: agency.pk for agency in Agency.objects.all()}
    print(
        f"  {sum(len(m) for m in recipients.values()):,} organisations, {len(programmes)} programmes, "
        f"{sum(len(c) for c in calls.values())} calls ({time.perf_counter() - started:.0f} s)"
    )
    connection.ensure_connection()
    indexes = secondary_indexes()
    with connection.cursor() as cursor:
        for name, _ in indexes:
            cursor.execute(f"DROP INDEX {name}")
    written = 0
    for year, rows in grant_rows(total, recipients, calls, agency_of, rng):
        with transaction.atomic():
            write_rows(rows)
        written += len(rows)
        print(f"  {year}: {len(rows):,} grants ({written:,} in {time.perf_counter() - started:.0f} s)")
    started_indexes = time.perf_counter()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET maintenance_work_mem = '512MB'")
        for _, statement in indexes:
            cursor.execute(statement)
    print(f"  {len(indexes)} indexes made in {time.perf_counter() - started_indexes:.0f} s")
    refresh_derived()
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


# ---------------------------------------------------------------------------------------------------------------
# The server and the measurements.


def memory_kib(pid: int, key: str) -> int:
    """A memory figure of a process from /proc/<pid>/status; 0 once the process has gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0
    for line in status.splitlines():
        if line.startswith(f"{key}:"):
            return int(line.split()[1])
    return 0


@dataclass
class Timing:
    what: str
    times: list[float]
    size: int
    target: bool

    def p(self, share: float) -> float:
        ordered = sorted(self.times)
        return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def timed_requests(port: int, what: str, paths: list[str], warmup: int, *, target: bool) -> Timing:
    for path in paths[:warmup]:
        get(port, path)
    times, size = [], 0
    for path in paths[warmup:]:
        started = time.perf_counter()
        status, length = get(port, path)
        times.append((time.perf_counter() - started) * 1000)
        if status != 200:
            raise SystemExit(f"GET {path} answered {status}; see {SERVER_LOG}")
        size += length
    return Timing(what, times, size // max(1, len(times)), target)


def filtered_searches(count: int, rng: random.Random) -> list[dict]:
    """Searches as people make them: a year, a region, a programme or an amount range, alone or together."""
    regions = list(REGION_POPULATION)
    searches = []
    while len(searches) < count:
        query = {}
        if rng.random() < 0.6:
            query["year"] = rng.randint(FIRST_YEAR, LAST_YEAR)
        if rng.random() < 0.5:
            query["region"] = rng.choice(regions)
        if rng.random() < 0.4:
            query["programme"] = rng.choice(PROGRAMMES).code
        if rng.random() < 0.3:
            low = rng.choice((5_000, 10_000, 20_000, 50_000, 100_000))
            query["min_amount"] = low
            if rng.random() < 0.5:
                query["max_amount"] = low * rng.choice((2, 5, 10))
        if rng.random() < 0.1:
            query["sort"] = rng.choice(("amount_desc", "recipient", "oldest"))
        if query:
            searches.append(query)
    return searches


# Words people type: inflected forms, stems, common words, Swedish, names, typos and two-word searches.
SEARCH_WORDS = [
    "nuoret", "nuorten", "nuorille", "kotoutuminen", "kotoutumista", "maahanmuuttajille", "maahanmuuttaja",
    "vertaistuki", "vertaistukea", "työllistymisen", "digiopastus", "ikäihmisille", "perheiden", "yhdistys",
    "ry", "hanke", "toiminta", "Tampereen", "Helsingin kaupunki", "Oulun", "säätiö", "seurakunta", "kylätalon",
    "liikuntaryhmät", "kulttuuritoiminta", "förening", "ungdomar", "stöd för unga", "kotoutmista", "vertastuki",
    "mielenterveys", "ruoka-apu", "nuorisoseura", "marttayhdistys", "luontoretkiä", "yksinäisyyttä", "Vaasa",
    "Kipinä", "Virtasen säätiö", "kalakantojen hoito", "leiritoiminta nuorille", "Rovaniemen", "hyvinvointialue",
]  # fmt: skip


def text_searches(count: int, rng: random.Random) -> list[dict]:
    searches = []
    for _ in range(count):
        query = {"q": rng.choice(SEARCH_WORDS)}
        if rng.random() < 0.2:
            query["year"] = rng.randint(FIRST_YEAR, LAST_YEAR)
        searches.append(query)
    return searches


def statistics_queries(count: int, rng: random.Random) -> list[dict]:
    choices = [
        dict,
        lambda: {"year": rng.randint(FIRST_YEAR, LAST_YEAR)},
        lambda: {"region": rng.choice(list(REGION_POPULATION))},
        lambda: {"programme": rng.choice(PROGRAMMES).code},
        lambda: {"agency": rng.choice(("TEM", "OKM", "STM", "YM", "MMM", "OM"))},
        lambda: {"outcome": "all"},
    ]
    return [rng.choice(choices)() for _ in range(count)]


def with_query(path: str, query: dict) -> str:
    return f"{path}?{urlencode(query)}" if query else path


@dataclass
class Transfer:
    what: str
    rows: int
    seconds: float
    size: int
    peak_rss_kib: int = 0
    rss_before_kib: int = 0
    complete: bool = True

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds


class MemoryWatch(threading.Thread):
    """The largest resident set of the given processes, read from /proc every 50 ms until stopped."""

    def __init__(self, pids: set[int]):
        super().__init__(daemon=True)
        self.pids = pids
        self.peak_kib = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.wait(0.05):
            for pid in self.pids:
                self.peak_kib = max(self.peak_kib, memory_kib(pid, "VmRSS"))

    def stop(self) -> int:
        self.stopped.set()
        self.join()
        for pid in self.pids:  # the kernel's own high-water mark catches what sampling missed
            self.peak_kib = max(self.peak_kib, memory_kib(pid, "VmHWM"))
        return self.peak_kib


def measure_export(server: Gunicorn) -> Transfer:
    """The whole register as CSV, read to its end, while the workers' memory is watched."""
    server.renew_workers()
    workers = server.workers()
    before = max(memory_kib(pid, "VmRSS") for pid in workers)
    path = with_query("/register/grants.csv", {"outcome": "all"})
    watch = MemoryWatch(workers)
    watch.start()
    client = http.client.HTTPConnection("127.0.0.1", server.port, timeout=600)
    started = time.perf_counter()
    client.request("GET", path)
    response = client.getresponse()
    if response.status != 200:
        raise SystemExit(f"GET {path} answered {response.status}; see {SERVER_LOG}")
    lines = size = 0
    complete = True
    try:
        while chunk := response.read(1 << 16):
            lines += chunk.count(b"\n")
            size += len(chunk)
    except (http.client.IncompleteRead, ConnectionError):
        complete = False  # gunicorn stopped the worker: its timeout is shorter than the export
    seconds = time.perf_counter() - started
    client.close()
    peak = watch.stop()
    return Transfer(f"GET {path}", max(0, lines - 1), seconds, size, peak, before, complete)


def measure_raw_dump() -> Transfer:
    """The same rows and stored columns in the same order, read by the database driver alone."""
    columns = ", ".join(exports.ROW_FIELDS)
    query = f"SELECT {columns} FROM register_publishedgrant ORDER BY funding_year DESC, id DESC"
    started = time.perf_counter()
    rows = size = 0
    if connection.vendor == "postgresql":
        with (
            psycopg.connect(os.environ["DATABASE_URL"]) as database,
            database.cursor() as cursor,
            cursor.copy(f"COPY ({query}) TO STDOUT") as copy,
        ):
            for block in copy:
                rows += bytes(block).count(b"\n")
                size += len(block)
        what = "COPY (SELECT …) TO STDOUT"
    else:
        database = sqlite3.connect(SQLITE_FILE)
        for _ in database.execute(query):
            rows += 1
        database.close()
        what = "sqlite3 cursor, SELECT …"
    return Transfer(what, rows, time.perf_counter() - started, size)


def database_version() -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0]}"
    return f"SQLite {sqlite3.sqlite_version}"


def verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def report(timings: list[Timing], export: Transfer, dump: Transfer, timeout: int) -> None:
    print()
    header = f"{'measured':<52} {'requests':>8} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'KiB':>6}  target"
    print(header)
    print("-" * len(header))
    for timing in timings:
        target = (
            f"p95 ≤ {TARGET_P95_MS} ms: {verdict(timing.p(0.95) <= TARGET_P95_MS)}" if timing.target else ""
        )
        print(
            f"{timing.what:<52} {len(timing.times):>8} {timing.p(0.5):>8.1f} {timing.p(0.95):>8.1f}"
            f" {max(timing.times):>8.1f} {timing.size / 1024:>6.1f}  {target}"
        )
    print()
    header = f"{'transfer':<52} {'rows':>10} {'seconds':>8} {'rows/s':>9} {'MiB':>7}"
    print(header)
    print("-" * len(header))
    for transfer in (export, dump):
        # The sqlite3 cursor hands over values, not text: no size to show.
        megabytes = f"{transfer.size / 2**20:.0f}" if transfer.size else "–"
        print(
            f"{transfer.what:<52} {transfer.rows:>10,} {transfer.seconds:>8.1f}"
            f" {transfer.rows_per_second:>9,.0f} {megabytes:>7}"
        )
    share = export.rows_per_second / dump.rows_per_second
    peak = export.peak_rss_kib / 1024
    print()
    if not export.complete:
        print(
            f"The export was CUT OFF after {export.seconds:.0f} s by gunicorn's worker timeout (--timeout {timeout}):"
            f" {export.rows:,} of {dump.rows:,} rows arrived. Its speed below is over the part that did."
        )
    print(
        f"Export speed: {share:.0%} of the raw dump's rows per second "
        f"(target ≥ {TARGET_EXPORT_SHARE:.0%}: {verdict(share >= TARGET_EXPORT_SHARE)})"
    )
    print(
        f"Export memory: the serving worker's peak RSS {peak:.0f} MiB, {export.rss_before_kib / 1024:.0f} MiB"
        f" before the export (target < {TARGET_PEAK_RSS_MB} MB: {verdict(peak < TARGET_PEAK_RSS_MB)})"
    )
    if export.complete and export.rows != dump.rows:
        print(f"WARNING: the export had {export.rows:,} rows and the dump {dump.rows:,}")


def main() -> None:
    arguments = ARGUMENTS
    where = f"{POSTGRES_DATABASE} at 127.0.0.1:5432" if arguments.database == "postgresql" else SQLITE_FILE
    print(f"Database: {connection.vendor} ({where})")
    try:
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        if REUSE:
            print(f"Reusing the register of {arguments.grants:,} grants kept by an earlier run (--keep)")
        else:
            print(f"Building a register of {arguments.grants:,} grants")
            build(arguments.grants, organisations=max(1_000, arguments.grants // 5))
            print(f"Built in {time.perf_counter() - started:.0f} s")
        grants = PublishedGrant.objects.count()
        print(f"{grants:,} grants, {GrantTotal.objects.count():,} rows of totals")
        call_command("collectstatic", interactive=False, verbosity=0)
        print(f"Machine: {machine()}; {database_version()}; {load_average()}")
        connection.close()
        measure(arguments)
    finally:
        connection.close()
        if not arguments.keep:
            if arguments.database == "postgresql":
                drop_postgres_database()
            else:
                delete_sqlite_file()


def measure(arguments: argparse.Namespace) -> None:
    rng = random.Random(20261201)
    count = arguments.requests + arguments.warmup
    filtered = filtered_searches(count, rng)
    texts = text_searches(count, rng)
    totals = statistics_queries(count, rng)
    server = Gunicorn(log=SERVER_LOG, workers=WORKERS, extra_arguments=("--timeout", str(arguments.timeout)))
    print(f"gunicorn with {WORKERS} workers on 127.0.0.1:{server.port}, production settings (DEBUG off)")
    try:
        plan = [
            ("GET /api/v1/grants (filters)", "/api/v1/grants", filtered, True),
            ("GET /api/v1/grants?q= (text search)", "/api/v1/grants", texts, True),
            ("GET /api/v1/statistics", "/api/v1/statistics", totals, True),
            ("GET /register/ (page, filters)", "/register/", filtered, False),
            ("GET /register/?q= (page, text search)", "/register/", texts, False),
            ("GET /register/statistics/ (page)", "/register/statistics/", totals, False),
        ]
        timings = []
        for what, path, queries, target in plan:
            paths = [with_query(path, query) for query in queries]
            timings.append(timed_requests(server.port, what, paths, arguments.warmup, target=target))
            print(f"  {what}: p95 {timings[-1].p(0.95):.0f} ms")
        export = measure_export(server)
        print(
            f"  export: {export.rows:,} rows in {export.seconds:.1f} s{'' if export.complete else ', cut off'}"
        )
    finally:
        server.stop()
    dump = measure_raw_dump()
    report(timings, export, dump, arguments.timeout)
    print(f"\nAt the end: {load_average()} (1, 5 and 15 minutes).")
    print(
        f"\n{arguments.requests} timed requests of each kind after {arguments.warmup} warm-ups, one at a time;"
        f" search filters and words drawn at random with a fixed seed."
    )


if __name__ == "__main__":
    main()
