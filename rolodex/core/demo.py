"""Sample data for a first run: a small business's book of contacts, built from a seed.

``build_demo`` is pure and deterministic: the same ``today``, ``seed`` and sizes give the same
records, field for field. It does no I/O and leaves every ``id`` None; links between records
are indices into the lists of :class:`DemoData`, which the caller turns into ids as it saves
them. Every date is relative to ``today`` and every datetime is naive. Phone numbers are
written the way people write them, with ``e164`` left None for the service to compute; they
come from each country's valid ranges (the drama ranges where a country has them).

Work e-mail addresses use the (invented) account domains; private ones use the reserved
``example.com``/``.net``/``.org`` domains so that the sample never points at a real mailbox.
"""

from __future__ import annotations

import dataclasses
import random
import re
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from rolodex.core.models import (
    PRIORITIES,
    STAGES,
    Account,
    Address,
    Contact,
    Deal,
    Email,
    Interaction,
    Note,
    PartialDate,
    Phone,
    Provenance,
    Social,
    Task,
    Url,
)

__all__ = ["CONTACT_TAGS", "DEAL_STAGES", "DEMO_SOURCE", "DemoData", "build_demo"]

DEMO_SOURCE = "demo"

CONTACT_TAGS = ("vip", "newsletter", "partner", "prospect", "investor", "press", "old")
DEAL_STAGES = ("qualification", "proposal", "negotiation", "won", "lost")


@dataclass(slots=True)
class DemoData:
    """The sample records. Links are indices into these lists, not ids."""

    accounts: list[Account]
    contacts: list[tuple[Contact, int | None]]  # (contact, index into accounts or None)
    notes: list[tuple[Note, int]]  # (note, index into contacts)
    interactions: list[tuple[Interaction, int]]  # (interaction, index into contacts)
    tasks: list[tuple[Task, int | None]]  # (task, index into contacts or None)
    deals: list[tuple[Deal, int | None, int | None]]  # (deal, account index, contact index)


# --------------------------------------------------------------------------------------------
# Reference data
# --------------------------------------------------------------------------------------------

_FOLD = str.maketrans(
    {
        "ä": "ae",
        "ö": "oe",
        "ü": "ue",
        "Ä": "ae",
        "Ö": "oe",
        "Ü": "ue",
        "ß": "ss",
        "ł": "l",
        "Ł": "l",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
    }
)


def _ascii(text: str) -> str:
    """A crude lower-case ASCII slug: "Jürgen" -> "juergen", "Núñez" -> "nunez"."""
    s = unicodedata.normalize("NFKD", text.translate(_FOLD).lower())
    s = s.encode("ascii", "ignore").decode("ascii").replace("'", "").replace("’", "")
    return re.sub(r"[^a-z0-9]+", "-", s).strip("-")


_Name = tuple[str, str]  # (native, romanised)
_Family = tuple[str, str, str, str]  # (male form, female form, romanised male, romanised female)


def _words(text: str) -> list[str]:
    return text.split()


def _names(text: str) -> tuple[_Name, ...]:
    """Parse "Jürgen 翔太:shota ..." into (native, romanised) pairs."""
    out = []
    for token in text.split():
        native, _, roman = token.partition(":")
        out.append((native, roman or _ascii(native)))
    return tuple(out)


def _families(text: str) -> tuple[_Family, ...]:
    """Parse "Müller Kowalski/Kowalska Παπαδάκης/Παπαδάκη:papadakis/papadaki ..."."""
    out = []
    for token in text.split():
        native, _, roman = token.partition(":")
        male, _, female = native.partition("/")
        female = female or male
        r_male, _, r_female = roman.partition("/")
        r_male = r_male or _ascii(male)
        r_female = r_female or (r_male if roman else _ascii(female))
        out.append((male, female, r_male, r_female))
    return tuple(out)


def _pairs(text: str) -> tuple[tuple[str, str], ...]:
    """Parse one "male/female" title per line (a line without "/" is the same for both)."""
    out = []
    for line in text.strip().splitlines():
        male, _, female = line.strip().partition("/")
        out.append((male, female or male))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class _City:
    name: str
    region: str
    postcodes: tuple[str, ...]
    area: str  # dialling code inside the country, without the trunk prefix
    districts: tuple[str, ...] = ()  # CN: districts; JP: towns in the ward


@dataclass(frozen=True, slots=True)
class _Locale:
    code: str  # ISO 3166 country code
    country: str
    lang: str
    currency: str
    fx: float  # units per EUR, for deal values
    cjk: bool
    male: tuple[_Name, ...]
    female: tuple[_Name, ...]
    family: tuple[_Family, ...]
    titles: tuple[tuple[str, str], ...]  # (male, female); the first two are the senior ones
    cities: tuple[_City, ...]
    streets: tuple[str, ...]
    events: tuple[str, ...]  # trade fairs and conferences, as an English text would name them
    local_events: tuple[str, ...]  # the same, as a note in the local language would
    prefixes: tuple[tuple[str, str], ...] = ()
    middle: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())  # (male, female)
    suffixes: tuple[str, ...] = ()
    weight: int = 1  # how common contacts from here are


_EN_TITLES = _pairs(
    """
    CEO
    Managing Director
    Founder
    Head of Sales
    Office Manager
    Procurement Manager
    Account Manager
    Marketing Director
    CFO
    Operations Manager
    Software Engineer
    Product Manager
    Executive Assistant
    """
)

_GB = _Locale(
    code="GB",
    country="United Kingdom",
    lang="en",
    currency="GBP",
    fx=0.85,
    cjk=False,
    male=_names(
        """Oliver James Harry George William Thomas Jack Charlie Edward Henry Samuel Daniel
        Alexander Christopher Benjamin Jonathan Robert Michael Alistair Rhys"""
    ),
    female=_names(
        """Amelia Sophie Charlotte Emily Grace Olivia Isla Lucy Hannah Eleanor Katherine
        Victoria Elizabeth Margaret Fiona Siobhan Priya Chloe"""
    ),
    family=_families(
        """Smith Jones Taylor Brown Williams Wilson Davies Evans Thomas Roberts Johnson Walker
        Wright Robinson Thompson White Hughes Edwards Green Hall Wood Harris Clarke Patel Khan
        O'Brien MacDonald Campbell"""
    ),
    titles=_EN_TITLES,
    cities=(
        _City("London", "", ("EC1V 4PW", "SW1A 2AA", "N1 9GU", "SE1 7PB", "E2 8DY"), "20"),
        _City("Manchester", "", ("M1 1AE", "M4 5JD", "M15 4FN"), "161"),
        _City("Birmingham", "", ("B1 1BB", "B3 2NS"), "121"),
        _City("Leeds", "", ("LS1 4DY", "LS2 7EE"), "113"),
        _City("Edinburgh", "", ("EH1 1YZ", "EH3 9DR"), "131"),
    ),
    streets=(
        "Baker Street",
        "High Street",
        "Station Road",
        "Church Lane",
        "Victoria Road",
        "King's Road",
        "Mill Lane",
        "Queen Street",
        "Castle Street",
    ),
    events=("London Tech Week", "Web Summit", "The Business Show"),
    local_events=("London Tech Week", "Web Summit", "The Business Show"),
    prefixes=(("Dr", "Dr"), ("Prof.", "Prof."), ("Sir", "Dame")),
    middle=(
        ("James", "John", "Edward", "Arthur", "William"),
        ("Elizabeth", "Rose", "Mary", "Anne", "Louise"),
    ),
    suffixes=("OBE", "MBE", "PhD"),
    weight=20,
)

_US = _Locale(
    code="US",
    country="United States",
    lang="en",
    currency="USD",
    fx=1.08,
    cjk=False,
    male=_names(
        """Michael David John James Robert Christopher Daniel Matthew Anthony Joshua Andrew Ryan
        Brandon Tyler Kevin Jason Carlos Marcus"""
    ),
    female=_names(
        """Jennifer Jessica Ashley Sarah Emily Megan Lauren Rachel Nicole Amanda Samantha
        Brittany Maria Keisha Danielle Taylor"""
    ),
    family=_families(
        """Miller Davis Garcia Rodriguez Martinez Anderson Jackson Moore Martin Lee Thompson Clark
        Lewis Young Allen King Nguyen Hill Scott Adams Baker Nelson Carter Mitchell Kim Chen
        Rivera"""
    ),
    titles=_EN_TITLES,
    cities=(
        _City("San Francisco", "CA", ("94103", "94105", "94110"), "415"),
        _City("New York", "NY", ("10001", "10013", "10016"), "212"),
        _City("Chicago", "IL", ("60601", "60607", "60614"), "312"),
        _City("Austin", "TX", ("78701", "78704"), "512"),
        _City("Boston", "MA", ("02110", "02116"), "617"),
        _City("Seattle", "WA", ("98101", "98104"), "206"),
    ),
    streets=(
        "Market St",
        "Main St",
        "Broadway",
        "Oak Ave",
        "Maple Dr",
        "Congress Ave",
        "Michigan Ave",
        "Elm St",
        "Pine St",
        "2nd Ave",
    ),
    events=("SaaStr Annual", "CES", "Web Summit", "SXSW"),
    local_events=("SaaStr Annual", "CES", "Web Summit", "SXSW"),
    prefixes=(("Dr.", "Dr."),),
    middle=(("Lee", "Ray", "Allen", "Scott", "Michael"), ("Lynn", "Marie", "Ann", "Grace", "Jo")),
    suffixes=("Jr.", "III", "PhD"),
    weight=15,
)

_DE = _Locale(
    code="DE",
    country="Germany",
    lang="de",
    currency="EUR",
    fx=1.0,
    cjk=False,
    male=_names(
        """Jürgen Günter Jörg Björn Sören Lukas Maximilian Felix Jonas Stefan Klaus Wolfgang
        Johannes Friedrich Matthias Uwe Tobias Christian Alexander"""
    ),
    female=_names(
        """Anna Lena Käthe Bärbel Jana Sabine Ursula Katharina Stefanie Monika Hannah Lea Marie
        Sophie Julia Petra Birgit Annegret Dörte"""
    ),
    family=_families(
        """Müller Schmidt Schneider Fischer Weber Meyer Wagner Becker Schäfer Koch Richter Köhler
        Schröder Krüger Hoffmann Weiß Groß Jäger Voß Strauß Neumann Schwarz Zimmermann Braun
        Hübner Fuchs Böhm Kühn"""
    ),
    titles=_pairs(
        """
        Geschäftsführer/Geschäftsführerin
        Inhaber/Inhaberin
        Einkaufsleiter/Einkaufsleiterin
        Vertriebsleiter/Vertriebsleiterin
        Leiter Marketing/Leiterin Marketing
        Prokurist/Prokuristin
        Buchhalter/Buchhalterin
        Projektleiter/Projektleiterin
        Assistenz der Geschäftsführung
        Softwareentwickler/Softwareentwicklerin
        """
    ),
    cities=(
        _City("Berlin", "Berlin", ("10115", "10178", "10435", "10999", "12043"), "30"),
        _City("München", "Bayern", ("80331", "80469", "81371"), "89"),
        _City("Hamburg", "Hamburg", ("20095", "20357", "22765"), "40"),
        _City("Köln", "Nordrhein-Westfalen", ("50667", "50823"), "221"),
        _City("Frankfurt am Main", "Hessen", ("60311", "60594"), "69"),
    ),
    streets=(
        "Hauptstraße",
        "Bahnhofstraße",
        "Goethestraße",
        "Schillerstraße",
        "Friedrichstraße",
        "Lindenallee",
        "Am Markt",
        "Gartenweg",
        "Mühlenweg",
        "Kastanienallee",
    ),
    events=("Hannover Messe", "DMEXCO", "IFA Berlin"),
    local_events=("Hannover Messe", "DMEXCO", "IFA in Berlin"),
    prefixes=(("Dr.", "Dr."), ("Prof. Dr.", "Prof. Dr."), ("Dipl.-Ing.", "Dipl.-Ing.")),
    middle=(("Karl", "Friedrich", "Maria", "Peter"), ("Maria", "Sophie", "Luise", "Charlotte")),
    weight=20,
)

_FR = _Locale(
    code="FR",
    country="France",
    lang="fr",
    currency="EUR",
    fx=1.0,
    cjk=False,
    male=_names(
        """Jean Pierre Étienne François Jérôme Loïc Théo Hugo Louis Gaël Nicolas Frédéric
        Alexandre Sébastien Antoine Julien Benoît Mathieu Jean-Pierre"""
    ),
    female=_names(
        """Chloé Élodie Hélène Zoé Inès Camille Léa Manon Océane Françoise Amélie Céline Margaux
        Sophie Émilie Anaïs Stéphanie Marie-Claire"""
    ),
    family=_families(
        """Martin Bernard Dubois Thomas Robert Richard Petit Durand Leroy Moreau Lefèvre Girard
        Bonnet Mercier Fabre Gauthier Rousseau Faure Lemaître Chevalier Lambert Garnier Masson"""
    ),
    titles=_pairs(
        """
        Gérant/Gérante
        Directeur général/Directrice générale
        Directeur commercial/Directrice commerciale
        Responsable des achats
        Chef de projet/Cheffe de projet
        Comptable
        Responsable marketing
        Assistant de direction/Assistante de direction
        Ingénieur logiciel/Ingénieure logiciel
        """
    ),
    cities=(
        _City("Paris", "Île-de-France", ("75002", "75008", "75011", "75015"), "1"),
        _City("Lyon", "Auvergne-Rhône-Alpes", ("69002", "69003", "69007"), "4"),
        _City("Marseille", "Provence-Alpes-Côte d'Azur", ("13001", "13006"), "4"),
        _City("Bordeaux", "Nouvelle-Aquitaine", ("33000", "33300"), "5"),
        _City("Lille", "Hauts-de-France", ("59000", "59800"), "3"),
    ),
    streets=(
        "rue de la Paix",
        "avenue Victor-Hugo",
        "boulevard Saint-Michel",
        "rue du Faubourg Saint-Antoine",
        "rue de la République",
        "rue des Écoles",
        "quai des Chartrons",
        "place Bellecour",
    ),
    events=("VivaTech", "Salon des Entrepreneurs", "Vinexpo Paris"),
    local_events=("VivaTech", "Salon des Entrepreneurs", "Vinexpo Paris"),
    prefixes=(("Dr", "Dr"), ("Me", "Me")),
    middle=(("Louis", "Marie", "Henri"), ("Marie", "Claire", "Louise")),
    weight=12,
)

_ES = _Locale(
    code="ES",
    country="Spain",
    lang="es",
    currency="EUR",
    fx=1.0,
    cjk=False,
    male=_names(
        """José Javier Álvaro Sergio Andrés Iñigo Rubén Jesús Raúl Óscar Pablo Alejandro Manuel
        Francisco Ignacio Diego Jorge Adrián"""
    ),
    female=_names(
        """María Lucía Sofía Inés Begoña Nuria Pilar Ángela Marta Elena Carmen Dolores Laura
        Paula Cristina Rocío Alba Irene"""
    ),
    family=_families(
        """García Fernández González Rodríguez López Martínez Sánchez Pérez Gómez Núñez Jiménez
        Muñoz Ibáñez Ortiz Castillo Romero Peña Álvarez Moreno Navarro Domínguez Vázquez Serrano
        Gil"""
    ),
    titles=_pairs(
        """
        Director general/Directora general
        Gerente
        Director comercial/Directora comercial
        Jefe de compras/Jefa de compras
        Responsable de logística
        Contable
        Responsable de marketing
        Administrativo/Administrativa
        """
    ),
    cities=(
        _City("Madrid", "Comunidad de Madrid", ("28001", "28013", "28046"), "91"),
        _City("Barcelona", "Cataluña", ("08007", "08015", "08036"), "93"),
        _City("Valencia", "Comunidad Valenciana", ("46002", "46021"), "96"),
        _City("Sevilla", "Andalucía", ("41001", "41004"), "95"),
        _City("Bilbao", "País Vasco", ("48001", "48009"), "94"),
    ),
    streets=(
        "Calle Mayor",
        "Gran Vía",
        "Calle de Alcalá",
        "Avenida de la Constitución",
        "Paseo de Gracia",
        "Calle Serrano",
        "Plaza de España",
        "Calle Larios",
    ),
    events=("Mobile World Congress", "South Summit", "Fitur"),
    local_events=("el Mobile World Congress", "South Summit", "Fitur"),
    prefixes=(("Dr.", "Dra."),),
    weight=10,
)

_CN = _Locale(
    code="CN",
    country="China",
    lang="zh",
    currency="CNY",
    fx=7.8,
    cjk=True,
    male=_names(
        """伟:wei 磊:lei 强:qiang 洋:yang 杰:jie 军:jun 涛:tao 斌:bin 晓明:xiaoming
        建国:jianguo 志强:zhiqiang 俊杰:junjie 子轩:zixuan 浩然:haoran"""
    ),
    female=_names(
        """芳:fang 娜:na 敏:min 静:jing 艳:yan 丽:li 丽华:lihua 秀英:xiuying 海燕:haiyan
        雨涵:yuhan 欣怡:xinyi 婷:ting"""
    ),
    family=_families(
        """李:li 王:wang 张:zhang 刘:liu 陈:chen 杨:yang 赵:zhao 黄:huang 周:zhou 吴:wu 徐:xu
        孙:sun 马:ma 朱:zhu 胡:hu 郭:guo 林:lin 何:he 高:gao 罗:luo"""
    ),
    titles=_pairs(
        """
        总经理
        董事长
        采购经理
        销售总监
        市场经理
        财务主管
        项目经理
        技术总监
        """
    ),
    cities=(
        _City("北京市", "", ("100020", "100080", "100022"), "10", ("朝阳区", "海淀区")),
        _City("上海市", "", ("200120", "200040"), "21", ("浦东新区", "静安区")),
        _City("深圳市", "广东省", ("518057", "518048"), "755", ("南山区", "福田区")),
        _City("杭州市", "浙江省", ("310012", "310051"), "571", ("西湖区", "滨江区")),
        _City("成都市", "四川省", ("610041",), "28", ("武侯区", "高新区")),
    ),
    streets=("建国路", "人民路", "中山路", "科技路", "解放路", "长江路", "和平路"),
    events=("Canton Fair", "World AI Conference", "China Import and Export Fair"),
    local_events=("广交会", "世界人工智能大会", "进博会"),
    weight=8,
)

_JP = _Locale(
    code="JP",
    country="Japan",
    lang="ja",
    currency="JPY",
    fx=160.0,
    cjk=True,
    male=_names(
        """翔太:shota 健一:kenichi 大輔:daisuke 拓也:takuya 浩:hiroshi 蓮:ren 誠:makoto
        大樹:daiki 直樹:naoki 和也:kazuya 隆:takashi 悠真:yuma"""
    ),
    female=_names(
        """陽菜:hina さくら:sakura 美咲:misaki 由美:yumi 結衣:yui 恵子:keiko 明美:akemi 愛:ai
        真由美:mayumi 彩:aya 直子:naoko 優子:yuko"""
    ),
    family=_families(
        """佐藤:sato 鈴木:suzuki 高橋:takahashi 田中:tanaka 伊藤:ito 渡辺:watanabe
        山本:yamamoto 中村:nakamura 小林:kobayashi 加藤:kato 吉田:yoshida 山田:yamada
        佐々木:sasaki 松本:matsumoto 井上:inoue 木村:kimura"""
    ),
    titles=_pairs(
        """
        代表取締役社長
        取締役
        営業部長
        購買課長
        マーケティング担当
        経理担当
        プロジェクトマネージャー
        技術部長
        """
    ),
    cities=(
        _City("渋谷区", "東京都", ("150-0041", "150-0002"), "3", ("神南", "渋谷", "恵比寿")),
        _City("千代田区", "東京都", ("100-0005", "100-0004"), "3", ("丸の内", "大手町")),
        _City("大阪市北区", "大阪府", ("530-0001", "530-0005"), "6", ("梅田", "中之島")),
        _City("横浜市西区", "神奈川県", ("220-0012",), "45", ("みなとみらい",)),
        _City("京都市中京区", "京都府", ("604-8005",), "75", ("河原町", "烏丸")),
        _City("福岡市博多区", "福岡県", ("812-0011",), "92", ("博多駅前",)),
    ),
    streets=(),
    events=("Interop Tokyo", "CEATEC", "Japan IT Week"),
    local_events=("Interop Tokyo", "CEATEC", "Japan IT Week"),
    weight=7,
)

_PL = _Locale(
    code="PL",
    country="Poland",
    lang="pl",
    currency="PLN",
    fx=4.3,
    cjk=False,
    male=_names(
        "Łukasz Paweł Wojciech Krzysztof Michał Tomasz Piotr Marcin Grzegorz Jakub Andrzej Jan"
    ),
    female=_names(
        """Agnieszka Małgorzata Katarzyna Zofia Joanna Anna Magdalena Aleksandra Ewa Dorota
        Monika Beata"""
    ),
    family=_families(
        """Nowak Kowalski/Kowalska Wiśniewski/Wiśniewska Wójcik Kamiński/Kamińska
        Lewandowski/Lewandowska Zieliński/Zielińska Szymański/Szymańska Woźniak
        Dąbrowski/Dąbrowska Kozłowski/Kozłowska Mazur Krawczyk Jankowski/Jankowska"""
    ),
    titles=_pairs(
        """
        Prezes zarządu
        Dyrektor handlowy/Dyrektor handlowa
        Kierownik zakupów/Kierowniczka zakupów
        Księgowy/Księgowa
        Specjalista ds. marketingu/Specjalistka ds. marketingu
        Kierownik projektu/Kierowniczka projektu
        """
    ),
    cities=(
        _City("Warszawa", "mazowieckie", ("00-950", "00-001", "02-677"), "22"),
        _City("Kraków", "małopolskie", ("30-001", "31-042"), "12"),
        _City("Gdańsk", "pomorskie", ("80-001", "80-827"), "58"),
        _City("Wrocław", "dolnośląskie", ("50-001", "53-611"), "71"),
    ),
    streets=(
        "ul. Marszałkowska",
        "ul. Długa",
        "ul. Floriańska",
        "al. Jerozolimskie",
        "ul. Świętojańska",
        "ul. Grunwaldzka",
    ),
    events=("Infoshare", "Poznań International Fair"),
    local_events=("Infoshare", "Targach Poznańskich"),
    prefixes=(("dr", "dr"), ("prof.", "prof.")),
    weight=4,
)

_GR = _Locale(
    code="GR",
    country="Greece",
    lang="el",
    currency="EUR",
    fx=1.0,
    cjk=False,
    male=_names(
        """Γιώργος:giorgos Νίκος:nikos Δημήτρης:dimitris Κωνσταντίνος:konstantinos
        Ιωάννης:ioannis Αλέξανδρος:alexandros Παναγιώτης:panagiotis Σταύρος:stavros"""
    ),
    female=_names(
        """Μαρία:maria Ελένη:eleni Κατερίνα:katerina Σοφία:sofia Δέσποινα:despoina Αθηνά:athina
        Βασιλική:vasiliki Χριστίνα:christina"""
    ),
    family=_families(
        """Παπαδόπουλος/Παπαδοπούλου:papadopoulos/papadopoulou
        Παπαδάκης/Παπαδάκη:papadakis/papadaki Οικονόμου:oikonomou Γεωργίου:georgiou
        Νικολάου:nikolaou Καραγιάννης/Καραγιάννη:karagiannis/karagianni
        Βλάχος/Βλάχου:vlachos/vlachou Αντωνίου:antoniou Μακρής/Μακρή:makris/makri"""
    ),
    titles=_pairs(
        """
        Διευθύνων Σύμβουλος/Διευθύνουσα Σύμβουλος
        Γενικός Διευθυντής/Γενική Διευθύντρια
        Υπεύθυνος Πωλήσεων/Υπεύθυνη Πωλήσεων
        Υπεύθυνος Προμηθειών/Υπεύθυνη Προμηθειών
        Λογιστής/Λογίστρια
        """
    ),
    cities=(
        _City("Αθήνα", "Αττική", ("105 57", "106 71", "115 21"), "210"),
        _City("Θεσσαλονίκη", "Κεντρική Μακεδονία", ("546 21", "546 24"), "2310"),
        _City("Πειραιάς", "Αττική", ("185 35", "185 38"), "210"),
        _City("Ηράκλειο", "Κρήτη", ("712 02",), "2810"),
    ),
    streets=("Ερμού", "Σταδίου", "Πανεπιστημίου", "Βασιλίσσης Σοφίας", "Τσιμισκή", "Εγνατία"),
    events=("Posidonia", "Thessaloniki International Fair"),
    local_events=("Posidonia", "Thessaloniki International Fair"),
    prefixes=(("Δρ.", "Δρ."),),
    weight=2,
)

_AE = _Locale(
    code="AE",
    country="United Arab Emirates",
    lang="ar",
    currency="AED",
    fx=4.0,
    cjk=False,
    male=_names(
        """محمد:mohammed أحمد:ahmed خالد:khaled عمر:omar يوسف:youssef علي:ali حسن:hassan
        سعيد:saeed راشد:rashid"""
    ),
    female=_names(
        "فاطمة:fatima ليلى:layla مريم:maryam نور:nour سارة:sara هدى:huda عائشة:aisha ريم:reem"
    ),
    family=_families(
        """الهاشمي:alhashemi المنصوري:almansouri الشامسي:alshamsi النعيمي:alnuaimi حداد:haddad
        الكعبي:alkaabi المهيري:almheiri خوري:khoury"""
    ),
    titles=_pairs(
        """
        General Manager
        Managing Partner
        Procurement Manager
        Sales Director
        Operations Manager
        Finance Manager
        """
    ),
    cities=(
        _City("Dubai", "Dubai", (), "4"),
        _City("Abu Dhabi", "Abu Dhabi", (), "2"),
    ),
    streets=(
        "Sheikh Zayed Road",
        "Al Wasl Road",
        "Jumeirah Beach Road",
        "Corniche Road",
        "Hamdan Street",
    ),
    events=("GITEX Global", "Gulfood"),
    local_events=("GITEX Global", "Gulfood"),
    prefixes=(("Dr.", "Dr."),),
    weight=2,
)

_LOCALES = (_GB, _US, _DE, _FR, _ES, _CN, _JP, _PL, _GR, _AE)
_BY_CODE = {loc.code: loc for loc in _LOCALES}

_NICKNAMES: dict[str, tuple[str, ...]] = {
    "William": ("Will", "Bill"),
    "Robert": ("Rob", "Bob"),
    "Elizabeth": ("Liz", "Beth"),
    "Katherine": ("Kate", "Katie"),
    "James": ("Jim", "Jamie"),
    "Thomas": ("Tom",),
    "Benjamin": ("Ben",),
    "Alexander": ("Alex",),
    "Margaret": ("Maggie", "Peggy"),
    "Michael": ("Mike",),
    "Christopher": ("Chris",),
    "Jennifer": ("Jen",),
    "Daniel": ("Dan",),
    "Samuel": ("Sam",),
    "Victoria": ("Vicky",),
    "Jonathan": ("Jon",),
    "Samantha": ("Sam",),
    "Maximilian": ("Max",),
    "Johannes": ("Hannes",),
    "Katharina": ("Kathi",),
    "Stefanie": ("Steffi",),
    "Friedrich": ("Fritz",),
    "Christian": ("Chris",),
    "Wolfgang": ("Wolf",),
    "Frédéric": ("Fred",),
    "Alexandre": ("Alex",),
    "Nicolas": ("Nico",),
    "José": ("Pepe",),
    "Francisco": ("Paco",),
    "Ignacio": ("Nacho",),
    "Dolores": ("Lola",),
    "Manuel": ("Manolo",),
    "Małgorzata": ("Gosia",),
    "Katarzyna": ("Kasia",),
    "Aleksandra": ("Ola",),
    "Wojciech": ("Wojtek",),
    "Κωνσταντίνος": ("Κώστας",),
    "Ιωάννης": ("Γιάννης",),
    "محمد": ("Mo",),
}
_ENGLISH_NAMES = (  # many Chinese business contacts also go by an English name
    ("Kevin", "Jack", "Leo", "Tony", "Eric", "David", "Frank"),
    ("Lily", "Cherry", "Grace", "Vivian", "Amy", "Sunny", "Iris"),
)

# (name, country, domain, industry, tags, city or "")
_ACCOUNTS: tuple[tuple[str, str, str, str, tuple[str, ...], str], ...] = (
    ("Analytical Engines Ltd", "GB", "analytical-engines.co.uk", "Computing hardware",
     ("key-account", "partner"), "London"),
    ("Bäckerei Köhler GmbH", "DE", "baeckerei-koehler.de", "Bakery & catering",
     ("supplier",), "Berlin"),
    ("Dubois & Fils SARL", "FR", "dubois-fils.fr", "Wine merchants", ("supplier",), "Bordeaux"),
    ("北京星辰科技有限公司", "CN", "xingchen-tech.cn", "Software", ("key-account",), "北京市"),
    ("株式会社さくらデザイン", "JP", "sakura-design.co.jp", "Design studio", ("partner",),
     "渋谷区"),
    ("Núñez Logística S.L.", "ES", "nunez-logistica.es", "Logistics", ("supplier",), "Valencia"),
    ("Golden Gate Robotics Inc.", "US", "goldengate-robotics.com", "Robotics", ("prospect",),
     "San Francisco"),
    ("Müller & Söhne Maschinenbau GmbH", "DE", "mueller-soehne.de", "Mechanical engineering",
     ("key-account",), "München"),
    ("Bursztyn Software Sp. z o.o.", "PL", "bursztyn-software.pl", "Software", ("partner",),
     "Gdańsk"),
    ("Atelier Lumière SAS", "FR", "atelier-lumiere.fr", "Lighting design", ("partner",), "Paris"),
    ("Thames Valley Logistics Ltd", "GB", "thamesvalley-logistics.co.uk", "Logistics",
     ("supplier",), ""),
    ("上海东方贸易有限公司", "CN", "dongfang-trade.cn", "Import & export", ("supplier",),
     "上海市"),
    ("Αιγαίο Ναυτιλιακή Α.Ε.", "GR", "aigaio-shipping.gr", "Shipping", (), "Πειραιάς"),
    ("Lakeshore Coffee Roasters LLC", "US", "lakeshore-coffee.com", "Food & beverage",
     ("supplier",), "Chicago"),
    ("山田精密工業株式会社", "JP", "yamada-seimitsu.co.jp", "Precision engineering",
     ("supplier",), ""),
    ("Schäfer IT-Systeme GmbH", "DE", "schaefer-it.de", "IT services", ("partner",), "Köln"),
    ("Olivares del Sur S.A.", "ES", "olivaresdelsur.es", "Olive oil producer", ("supplier",),
     "Sevilla"),
    ("Al Waha Trading LLC", "AE", "alwaha-trading.ae", "Wholesale trade", ("prospect",),
     "Dubai"),
    ("Brightwater Marketing Ltd", "GB", "brightwater-marketing.co.uk", "Marketing agency",
     ("partner",), "Manchester"),
    ("Bluebonnet Software Inc.", "US", "bluebonnet-software.com", "Software",
     ("key-account",), "Austin"),
    ("Mercier Électronique SA", "FR", "mercier-electronique.fr", "Electronics",
     ("key-account",), "Lyon"),
    ("深圳华光电子有限公司", "CN", "huaguang-elec.cn", "Electronics manufacturing",
     ("supplier",), "深圳市"),
    ("Brauerei Großmann KG", "DE", "brauerei-grossmann.de", "Brewery", (), ""),
    ("Northgate Capital LLP", "GB", "northgate-capital.co.uk", "Venture capital",
     ("investor",), "London"),
    ("株式会社ひかりソフト", "JP", "hikari-soft.co.jp", "Software", ("prospect",), ""),
    ("Estudio Peña Arquitectos S.L.P.", "ES", "estudiopena.es", "Architecture", (), "Madrid"),
    ("Hudson & Pike Consulting LLC", "US", "hudson-pike.com", "Management consulting",
     ("partner",), "New York"),
    ("Kowalski i Wspólnicy Sp.k.", "PL", "kowalski-wspolnicy.pl", "Law firm", (), "Warszawa"),
    ("Nordlicht Solar AG", "DE", "nordlicht-solar.de", "Renewable energy", ("prospect",),
     "Hamburg"),
    ("Boulangerie Lefèvre", "FR", "boulangerie-lefevre.fr", "Bakery", (), "Lille"),
    ("杭州云帆网络科技有限公司", "CN", "yunfan-tech.cn", "E-commerce platform", ("prospect",),
     "杭州市"),
    ("Pemberton Press Ltd", "GB", "pemberton-press.co.uk", "Publishing", ("press",),
     "Edinburgh"),
    ("Ελαιώνας Κρήτης Α.Ε.", "GR", "elaionas-kritis.gr", "Olive oil producer", ("supplier",),
     "Ηράκλειο"),
    ("Ibáñez Tecnología S.L.", "ES", "ibanez-tecnologia.es", "IT services", ("partner",),
     "Bilbao"),
    ("Redwood Analytics Inc.", "US", "redwood-analytics.com", "Data analytics",
     ("key-account",), "Seattle"),
    ("大阪フーズ株式会社", "JP", "osaka-foods.co.jp", "Food manufacturing", (), "大阪市北区"),
    ("Hotel Alpenblick GmbH", "DE", "hotel-alpenblick.de", "Hospitality", (), "München"),
    ("Desert Rose Hospitality LLC", "AE", "desertrose-hospitality.ae", "Hospitality",
     ("prospect",), "Abu Dhabi"),
    ("Rousseau Transports SARL", "FR", "rousseau-transports.fr", "Road haulage", ("supplier",),
     "Marseille"),
    ("Hargreaves & Sons Joinery Ltd", "GB", "hargreaves-joinery.co.uk", "Construction", (),
     "Leeds"),
    ("Cascade Outdoor Gear Co.", "US", "cascade-outdoor.com", "Outdoor retail", (), "Seattle"),
    ("Ferretería Jiménez S.L.", "ES", "ferreteria-jimenez.es", "Hardware store", (), "Madrid"),
    ("成都熊猫文化传媒有限公司", "CN", "xiongmao-media.cn", "Media", ("press",), "成都市"),
    ("Café de la Gare", "FR", "cafe-de-la-gare.fr", "Café & restaurant", (), "Lyon"),
)  # fmt: skip

# More accounts than the list holds are made up from a family name and a trade:
# (pattern, ascii pattern for the domain, tld, industry)
_MADE_UP: dict[str, tuple[tuple[str, str, str, str], ...]] = {
    "GB": (
        ("{f} Consulting Ltd", "{f}-consulting", "co.uk", "Consulting"),
        ("{f} & Co. Builders", "{f}-builders", "co.uk", "Construction"),
        ("{f} Design Studio Ltd", "{f}-design", "co.uk", "Design studio"),
    ),
    "US": (
        ("{f} Engineering Inc.", "{f}-engineering", "com", "Engineering"),
        ("{f} & Partners LLC", "{f}-partners", "com", "Accounting"),
        ("{f} Supply Co.", "{f}-supply", "com", "Wholesale trade"),
    ),
    "DE": (
        ("{f} Logistik GmbH", "{f}-logistik", "de", "Logistics"),
        ("{f} Elektrotechnik GmbH", "{f}-elektro", "de", "Electrical engineering"),
        ("Metallbau {f} GmbH & Co. KG", "metallbau-{f}", "de", "Metalwork"),
    ),
    "FR": (
        ("Menuiserie {f}", "menuiserie-{f}", "fr", "Carpentry"),
        ("Transports {f} SARL", "transports-{f}", "fr", "Road haulage"),
        ("Imprimerie {f} SAS", "imprimerie-{f}", "fr", "Printing"),
    ),
    "ES": (
        ("Construcciones {f} S.L.", "construcciones-{f}", "es", "Construction"),
        ("Asesoría {f} S.L.", "asesoria-{f}", "es", "Accounting"),
        ("Transportes {f} S.A.", "transportes-{f}", "es", "Logistics"),
    ),
    "CN": (
        ("{c}恒达物流有限公司", "hengda-logistics", "cn", "Logistics"),
        ("{c}宏图科技有限公司", "hongtu-tech", "cn", "Software"),
        ("{c}瑞丰贸易有限公司", "ruifeng-trade", "cn", "Import & export"),
    ),
    "JP": (
        ("株式会社{f}商事", "{f}-shoji", "co.jp", "Trading company"),
        ("{f}製作所株式会社", "{f}-seisakusho", "co.jp", "Manufacturing"),
        ("{f}建設株式会社", "{f}-kensetsu", "co.jp", "Construction"),
    ),
    "PL": (
        ("{f} Budownictwo Sp. z o.o.", "{f}-budownictwo", "pl", "Construction"),
        ("{f} Transport Sp. z o.o.", "{f}-transport", "pl", "Logistics"),
    ),
    "GR": (("{f} Α.Ε.", "{f}-sa", "gr", "Trading company"),),
    "AE": (("{f} General Trading LLC", "{f}-trading", "ae", "Wholesale trade"),),
}

_STAGE_WEIGHTS = dict(zip(STAGES, (10, 25, 10, 8, 12, 25, 5), strict=True))
_PRIORITY_WEIGHTS = dict(zip(PRIORITIES, (25, 55, 20), strict=True))
_TAG_WEIGHTS = {
    "vip": 8,
    "newsletter": 30,
    "partner": 10,
    "prospect": 15,
    "investor": 3,
    "press": 4,
    "old": 8,
}
_ROLES = ("decision-maker", "champion", "influencer", "billing", "technical", "gatekeeper")

_MONTHS = {
    "en": _words(
        "January February March April May June July August September October November December"
    ),
    "de": _words(
        "Januar Februar März April Mai Juni Juli August September Oktober November Dezember"
    ),
    "fr": _words(
        "janvier février mars avril mai juin juillet août septembre octobre novembre décembre"
    ),
    "es": _words(
        "enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre"
    ),
    "pl": _words(
        "styczniu lutym marcu kwietniu maju czerwcu lipcu sierpniu wrześniu październiku"
        " listopadzie grudniu"
    ),
    "zh": [f"{m}月" for m in range(1, 13)],
    "ja": [f"{m}月" for m in range(1, 13)],
}

_NOTES = {
    "en": (
        "{given} prefers email over phone calls and is easiest to reach before 10am.",
        "Met {given} at {event}. Wants a quote for {n} units before {month}.",
        "Budget for next year is approved in {month}. The CFO decides; {given} is our champion "
        "at {company}.",
        "{given} is unhappy with their current supplier. Send two customer references and the "
        "case study.",
        "Invoice {inv} was paid late again. Agreed on 30-day payment terms going forward.",
        "Referred by {other}. Warm lead, follow up in two weeks.",
        "Vegetarian. Remember for the next team lunch.",
        "Asked for a 10% discount; we can offer 5% with an annual commitment.",
        "On parental leave from {month}; {other} covers in the meantime.",
        "Very technical: send the API documentation, not the brochure.",
        "Prefers Teams over Zoom. Calendar is usually free on Tuesday and Thursday afternoons.",
        "Contract with {company} renews in {month}. Start the renewal conversation six weeks "
        "before.",
        "Big football fan. Do not schedule anything on match days.",
    ),
    "de": (
        "{given} bevorzugt E-Mails statt Anrufe und ist vormittags am besten erreichbar.",
        "Auf der {event} kennengelernt. Möchte ein Angebot über {n} Stück, bis {month} schicken.",
        "Rechnung {inv} wurde erneut zu spät bezahlt. Ab sofort 30 Tage Zahlungsziel vereinbart.",
        "Das Budget fürs nächste Jahr wird im {month} freigegeben. Entscheidet die "
        "Geschäftsführung von {company}.",
        "Ist mit dem aktuellen Lieferanten unzufrieden. Referenzen und Fallstudie schicken.",
        "Wir duzen uns. Beim nächsten Termin nach dem Urlaub an der Ostsee fragen.",
        "Empfehlung von {other}. Warmer Kontakt, in zwei Wochen nachfassen.",
    ),
    "fr": (
        "{given} préfère les e-mails aux appels ; plus facile à joindre le matin.",
        "Premier contact au salon {event}. Souhaite un devis pour {n} unités avant {month}.",
        "La facture {inv} a encore été réglée en retard. Paiement à 30 jours désormais.",
        "Le budget de l'an prochain sera validé en {month}. La décision revient à la direction "
        "de {company}.",
        "Insatisfaction avec le fournisseur actuel : envoyer deux références clients.",
        "Contact recommandé par {other}. Relancer dans deux semaines.",
    ),
    "es": (
        "{given} prefiere el correo a las llamadas; mejor por la mañana.",
        "Nos conocimos en {event}. Quiere un presupuesto para {n} unidades antes de {month}.",
        "La factura {inv} se volvió a pagar tarde. A partir de ahora, pago a 30 días.",
        "El presupuesto del año que viene se aprueba en {month}. Decide la dirección de {company}.",
        "Hay descontento con su proveedor actual: enviar referencias de clientes.",
        "Recomendación de {other}. Hacer seguimiento en dos semanas.",
    ),
    "zh": (
        "{name}更喜欢用微信沟通，上午联系比较方便。",
        "在{event}上认识，需要{n}件的报价，{month}之前发过去。",
        "发票{inv}又逾期付款了，之后改为30天账期。",
        "明年的预算{month}确定，最终由{company}的总经理拍板。",
        "对现在的供应商不太满意，可以发几个客户案例过去。",
        "{other}介绍认识的，两周后跟进。",
    ),
    "ja": (
        "{family}様はメールでの連絡を希望。午前中がつながりやすい。",
        "{event}で名刺交換。{n}個の見積もりを{month}までに送付すること。",
        "請求書{inv}の支払いがまた遅れた。今後は30日払いで合意。",
        "来年度の予算は{month}に決定予定。{company}の部長が決裁者。",
        "現在の取引先に不満あり。導入事例を送る。",
        "{other}さんの紹介。2週間後にフォローアップ。",
    ),
    "pl": (
        "{given} woli kontakt mailowy, najlepiej przed południem.",
        "Poznaliśmy się na {event}. Prośba o wycenę na {n} sztuk.",
        "Faktura {inv} znowu zapłacona po terminie. Od teraz termin płatności 30 dni.",
        "Budżet na przyszły rok zostanie zatwierdzony w {month}.",
        "Kontakt z polecenia: {other}. Wrócić do tematu za dwa tygodnie.",
    ),
}

# (channel, direction, weight, summary)
_INTERACTIONS: tuple[tuple[str, str, int, str], ...] = (
    ("call", "out", 3, "Call: discussed Q{q} renewal, send pricing"),
    ("call", "out", 2, "Call: walked {given} through the new price list"),
    ("call", "out", 2, "Call: left a voicemail, will try again on Thursday"),
    ("call", "out", 2, "Call: confirmed delivery for next week"),
    ("call", "out", 1, "Intro call: {company} is evaluating three vendors"),
    ("call", "in", 2, "{given} called about invoice {inv}"),
    ("call", "in", 2, "Inbound call: asked for a quote on {n} units"),
    ("call", "in", 1, "{given} called to move our meeting to next week"),
    ("email", "out", 3, "Sent proposal and pricing sheet"),
    ("email", "out", 3, "Sent follow-up after the demo"),
    ("email", "out", 2, "Emailed contract draft for review"),
    ("email", "out", 2, "Sent case study and two references"),
    ("email", "out", 1, "Shared the onboarding checklist"),
    ("email", "in", 3, "{given} replied: interested, asks for a call next week"),
    ("email", "in", 2, "Received signed order form"),
    ("email", "in", 2, "Question about payment terms on invoice {inv}"),
    ("email", "in", 1, "Out-of-office reply, back on the {d}th"),
    ("email", "in", 2, "Asked for the updated product catalogue"),
    ("meeting", "out", 3, "Met at {event}"),
    ("meeting", "out", 2, "Lunch with {given}: talked about their expansion plans"),
    ("meeting", "out", 2, "On-site visit at {company}, toured the warehouse"),
    ("meeting", "out", 2, "Demo of the new release for {people} people at {company}"),
    ("meeting", "out", 1, "Quarterly business review with {company}"),
    ("meeting", "in", 1, "Coffee: {given} is moving to a new role in spring"),
    ("chat", "in", 2, "Quick {app} chat about delivery dates"),
    ("chat", "out", 2, "{app}: sent the link to the trial account"),
    ("chat", "in", 1, "{app}: {given} confirmed the meeting time"),
    ("social", "in", 2, "Liked our LinkedIn post about the product launch"),
    ("social", "out", 1, "Connected on LinkedIn"),
    ("social", "in", 1, "Commented on our launch announcement"),
    ("letter", "out", 1, "Sent signed contract by post"),
    ("letter", "in", 1, "Received a Christmas card"),
    ("letter", "out", 1, "Mailed samples and the brochure"),
    ("other", "out", 1, "Sent a gift basket for the company anniversary"),
    ("other", "out", 1, "Introduced {given} to our accountant"),
    ("other", "in", 1, "Web form: requested a callback"),
)
_CHAT_APPS = {"zh": ("WeChat",), "ja": ("LINE",), "ar": ("WhatsApp",)}

_TASK_TITLES = {
    "followup": (
        "Send proposal to {name}",
        "Follow up after demo with {name}",
        "Follow up with {name} on the quote",
        "Chase {name} for the signed contract",
        "Send pricing sheet to {name}",
        "Follow up: {name} asked for references",
        "Check in with {name} about the Q{q} renewal",
        "Send thank-you note to {name}",
        "Follow up after {event} with {name}",
        "Share the case study with {name}",
        "Reply to {name} about delivery dates",
        "Follow up with {company} on the trial",
    ),
    "call": (
        "Call {name} back about invoice {inv}",
        "Call back about invoice",
        "Intro call with {name}",
        "Call {name} to confirm the delivery date",
        "Call {name}: renewal terms",
    ),
    "meeting": (
        "Lunch with {name}",
        "Demo for {company}",
        "Site visit at {company}",
        "Coffee with {name}",
        "Onboarding workshop with {company}",
    ),
    "todo": (
        "Update price list for {year}",
        "Prepare booth for {event}",
        "Clean up duplicate contacts",
        "Renew domain and hosting",
        "Draft the {month} newsletter",
        "Submit VAT return",
        "Order new business cards",
        "Prepare board report",
        "Book travel to {event}",
        "Review open invoices",
        "Prepare contract for {name}",
        "Update billing address for {company}",
    ),
}
_TASK_NOTES = (
    "Pricing sheet is in the shared drive.",
    "Ask about the second site.",
    "Bring samples.",
    "They asked for the English version too.",
    "Check the delivery terms first.",
)
# (title, kind, RRULE, bucket, due time, priority)
_RECURRING: tuple[tuple[str, str, str, str, time | None, str], ...] = (
    ("Weekly pipeline review", "todo", "FREQ=WEEKLY", "monday", None, "normal"),
    ("Send monthly invoices", "todo", "FREQ=MONTHLY", "today", time(9, 0), "high"),
    ("Check in with {name}", "followup", "FREQ=WEEKLY;INTERVAL=2", "overdue", None, "normal"),
    ("Log calls and clear the inbox", "todo", "FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", "weekday",
     time(17, 30), "low"),
    ("Quarterly business review with {company}", "meeting", "FREQ=MONTHLY;INTERVAL=3", "soon",
     time(14, 0), "high"),
    ("Monthly check-in call with {name}", "call", "FREQ=MONTHLY", "soon", time(11, 0),
     "normal"),
)  # fmt: skip
_DUE_TIMES = (time(9, 0), time(10, 30), time(11, 15), time(14, 0), time(15, 30), time(16, 45))

_DEAL_OFFERS = (
    "Annual maintenance contract",
    "Website relaunch",
    "CRM rollout (25 seats)",
    "Bulk order Q{q}",
    "Consulting retainer {year}",
    "Trade fair stand design",
    "Cloud migration",
    "Staff training workshop",
    "Packaging redesign",
    "Support renewal {year}",
    "Pilot project",
    "Framework agreement {year}",
    "Spare parts supply",
)
_DEAL_EUR = (1500, 2400, 4800, 7500, 12000, 18000, 25000, 40000, 60000, 95000, 150000)
_DEAL_STAGE_WEIGHTS = {
    "qualification": 20,
    "proposal": 24,
    "negotiation": 16,
    "won": 24,
    "lost": 16,
}
_PROBABILITY = {"qualification": 20, "proposal": 40, "negotiation": 70, "won": 100, "lost": 0}

_HISTORY_DAYS = 540  # notes and interactions reach back about 18 months


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------


def _uid(rng: random.Random) -> str:
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _provenance() -> Provenance:
    return Provenance(source=DEMO_SOURCE, purpose="sample data", legal_basis="legitimate-interest")


def _digits(rng: random.Random, n: int) -> str:
    """n digits, the first from 2-9 (no trunk or service prefix)."""
    return str(rng.randint(2, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(n - 1))


def _any_digits(rng: random.Random, n: int) -> str:
    return "".join(str(rng.randint(0, 9)) for _ in range(n))


def _phone_number(rng: random.Random, loc: _Locale, city: _City, mobile: bool) -> str:
    """A number in the way people of that country write it, with the country code."""
    code, area = loc.code, city.area
    if code == "GB":
        if mobile:
            return f"+44 {rng.randint(7400, 7599)} {_any_digits(rng, 6)}"
        if area == "20":
            return f"+44 20 7946 0{_any_digits(rng, 3)}"
        return f"+44 {area} 496 0{_any_digits(rng, 3)}"
    if code == "US":
        return f"+1 {area} 555 01{_any_digits(rng, 2)}"
    if code == "DE":
        if mobile:
            return f"+49 {rng.choice(('151', '152', '157', '160', '176'))} {_digits(rng, 8)}"
        return f"+49 {area} {_digits(rng, 10 - len(area))}"
    if code == "FR":
        first = rng.choice("67") if mobile else area
        lead = rng.randint(30, 99) if first == "7" else rng.randint(10, 89)
        lead = 38 if lead == 39 and first == "6" else lead
        pairs = " ".join(_any_digits(rng, 2) for _ in range(3))
        return f"+33 {first} {lead} {pairs}"
    if code == "ES":
        if mobile:
            rest = _any_digits(rng, 8)
            return f"+34 6{rest[:2]} {rest[2:4]} {rest[4:6]} {rest[6:]}"
        rest = _digits(rng, 7)
        return f"+34 {area} {rest[:3]} {rest[3:5]} {rest[5:]}"
    if code == "CN":
        if mobile:
            prefix = rng.choice(("138", "139", "135", "186", "158", "188"))
            return f"+86 {prefix} {_any_digits(rng, 4)} {_any_digits(rng, 4)}"
        return f"+86 {area} {_digits(rng, 4)} {_any_digits(rng, 4)}"
    if code == "JP":
        if mobile:
            return f"+81 {rng.choice(('90', '80', '70'))}-{_digits(rng, 4)}-{_any_digits(rng, 4)}"
        if len(area) == 1:
            return f"+81 {area}-{_digits(rng, 4)}-{_any_digits(rng, 4)}"
        return f"+81 {area}-{_digits(rng, 3)}-{_any_digits(rng, 4)}"
    if code == "PL":
        if mobile:
            prefix = rng.choice(("50", "51", "53", "60", "66", "69", "72", "78", "79", "88"))
            return f"+48 {prefix}{rng.randint(0, 9)} {_any_digits(rng, 3)} {_any_digits(rng, 3)}"
        rest = _digits(rng, 7)
        return f"+48 {area} {rest[:3]} {rest[3:5]} {rest[5:]}"
    if code == "GR":
        if mobile:
            return f"+30 69{rng.choice('345789')} {_any_digits(rng, 3)} {_any_digits(rng, 4)}"
        if len(area) == 3:
            return f"+30 {area} {_digits(rng, 3)} {_any_digits(rng, 4)}"
        return f"+30 {area} {_digits(rng, 6)}"
    # AE
    if mobile:
        return f"+971 5{rng.choice('0256')} {_digits(rng, 3)} {_any_digits(rng, 4)}"
    return f"+971 {area} {rng.randint(2, 8)}{_any_digits(rng, 2)} {_any_digits(rng, 4)}"


def _street(rng: random.Random, loc: _Locale, city: _City) -> str:
    n = rng.randint(1, 180)
    code = loc.code
    if code == "CN":
        return f"{rng.choice(city.districts)}{rng.choice(loc.streets)}{n}号"
    if code == "JP":
        return f"{rng.choice(city.districts)}{rng.randint(1, 5)}-{rng.randint(1, 20)}-{n % 30 + 1}"
    street = rng.choice(loc.streets)
    if code in ("GB", "US", "FR"):
        return f"{n} {street}"
    if code == "ES":
        return f"{street}, {n}"
    if code == "AE":
        return f"{street}, Office {rng.randint(1, 40)}{rng.randint(1, 30):02d}"
    return f"{street} {n}"


def _address(rng: random.Random, loc: _Locale, city: _City, label: str) -> Address:
    address = Address(
        street=_street(rng, loc, city),
        locality=city.name,
        region=city.region,
        postal_code=rng.choice(city.postcodes) if city.postcodes else "",
        country=loc.country,
        label=label,
        preferred=True,
    )
    if loc.code == "AE":
        address.po_box = f"P.O. Box {rng.randint(1000, 99999)}"
    elif loc.code == "US" and label == "work" and rng.random() < 0.5:
        address.extended = f"Suite {rng.randint(1, 9)}{rng.randint(0, 2)}0"
    return address


def _office_dt(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(rng.randint(8, 18), rng.choice((0, 10, 15, 20, 30, 45, 50))))


def _past_dt(rng: random.Random, today: date, lo: int = 1, hi: int = _HISTORY_DAYS) -> datetime:
    """A working-hours datetime lo..hi days before today, more often recent, mostly weekdays."""
    days = lo + int((hi - lo + 1) * rng.random() ** 1.4)
    day = today - timedelta(days=min(days, hi))
    if day.weekday() >= 5 and rng.random() < 0.85:
        day -= timedelta(days=day.weekday() - 4)  # back to Friday
    return _office_dt(rng, day)


def _random_birthday(rng: random.Random, today: date) -> PartialDate:
    """A birthday that does not fall on today (those are placed on purpose)."""
    while True:
        month = rng.randint(1, 12)
        day = rng.randint(1, 29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)
        year = rng.randint(1958, 2001) if rng.random() < 0.9 else None
        if year is not None and (month, day) == (2, 29) and year % 4:
            year -= year % 4
        bday = PartialDate(month=month, day=day, year=year)
        if not bday.occurs_on(today):
            return bday


def _weighted(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


# --------------------------------------------------------------------------------------------
# Accounts
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Org:
    account: Account
    loc: _Locale
    city: _City
    weight: float


def _build_accounts(rng: random.Random, n: int) -> list[_Org]:
    orgs: list[_Org] = []
    domains: set[str] = set()
    for i in range(n):
        if i < len(_ACCOUNTS):
            name, code, domain, industry, tags, city_name = _ACCOUNTS[i]
            loc = _BY_CODE[code]
            city = next((c for c in loc.cities if c.name == city_name), None)
            city = city or rng.choice(loc.cities)
        else:
            loc = rng.choices(_LOCALES, weights=[x.weight for x in _LOCALES])[0]
            city = rng.choice(loc.cities)
            family = rng.choice(loc.family)
            pattern, slug, tld, industry = rng.choice(_MADE_UP[loc.code])
            name = pattern.format(f=family[0], c=city.name.removesuffix("市"))
            domain = f"{slug.format(f=_ascii(family[2]))}.{tld}"
            tags = rng.choice(((), (), ("supplier",), ("prospect",), ("partner",)))
        base, _, tld = domain.partition(".")
        k = 2
        while domain in domains:
            domain = f"{base}{k}.{tld}"
            k += 1
        domains.add(domain)
        account = Account(
            name=name,
            domain=domain,
            industry=industry,
            phones=[Phone(_phone_number(rng, loc, city, False), None, "work", True)],
            addresses=[_address(rng, loc, city, "work")],
            tags=list(tags),
            provenance=_provenance(),
        )
        weight = 3.0 if "key-account" in tags else 1.5 if tags else 1.0
        orgs.append(_Org(account, loc, city, weight * (0.5 + rng.random())))
    return orgs


# --------------------------------------------------------------------------------------------
# Contacts
# --------------------------------------------------------------------------------------------


@dataclass(slots=True)
class _Person:
    contact: Contact
    account: int | None
    lang: str
    given_roman: str
    family_roman: str
    weight: float  # how much activity this contact sees


@dataclass(frozen=True, slots=True)
class _Fixed:
    """A contact every demo has, so that help texts and tests can point at it."""

    loc: str
    female: bool
    given: _Name
    family: _Name
    account: str  # preferred account
    title: str


_FIXED = (
    _Fixed("GB", True, ("Ada", "ada"), ("Lovelace", "lovelace"), "Analytical Engines Ltd", "CTO"),
    _Fixed("DE", False, ("Jürgen", "juergen"), ("Müller", "mueller"),
           "Müller & Söhne Maschinenbau GmbH", "Geschäftsführer"),
    _Fixed("CN", True, ("芳", "fang"), ("李", "li"), "北京星辰科技有限公司", "采购经理"),
)  # fmt: skip


def _assign_accounts(rng: random.Random, n: int, orgs: list[_Org]) -> list[int | None]:
    """Which account each contact works at: about 80% have one, every account gets someone."""
    out: list[int | None] = []
    names = [o.account.name for o in orgs]
    for i in range(min(n, len(_FIXED))):
        fixed = _FIXED[i]
        if fixed.account in names:
            out.append(names.index(fixed.account))
        else:
            same = [k for k, o in enumerate(orgs) if o.loc.code == fixed.loc]
            out.append(same[0] if same else None)
    uncovered = [k for k in range(len(orgs)) if k not in out]
    weights = [o.weight for o in orgs]
    for _ in range(len(out), n):
        if not orgs or rng.random() >= 0.8:
            out.append(None)
        elif uncovered:
            out.append(uncovered.pop(0))
        else:
            out.append(rng.choices(range(len(orgs)), weights=weights)[0])
    return out


def _work_local(rng: random.Random, loc: _Locale, g: str, f: str) -> list[str]:
    """Candidate local parts for a work address, most likely first."""
    g, f = g.replace("-", ""), f.replace("-", "")
    if loc.code == "CN":
        options = [f"{g}.{f}", f"{f}{g}", f"{g}{f}"]
    elif loc.code == "JP":
        options = [f"{f}.{g}", f"{g[0]}.{f}", f"{f}{g[0]}"]
    else:
        options = [f"{g}.{f}", f"{g[0]}.{f}", f"{g}", f"{g[0]}{f}"]
    first = rng.randrange(len(options))
    return options[first:] + options[:first]


def _unique_email(candidates: list[str], domain: str, taken: set[str]) -> str:
    for local in candidates:
        address = f"{local}@{domain}"
        if address not in taken:
            taken.add(address)
            return address
    k = 2
    while f"{candidates[0]}{k}@{domain}" in taken:
        k += 1
    address = f"{candidates[0]}{k}@{domain}"
    taken.add(address)
    return address


def _private_email(rng: random.Random, g: str, f: str, taken: set[str]) -> str:
    g, f = g.replace("-", ""), f.replace("-", "")
    domain = rng.choice(("example.com", "example.net", "example.org"))
    options = [f"{g}.{f}", f"{g}{f}{rng.randint(60, 99)}", f"{g[0]}{f}", f"{f}.{g}"]
    first = rng.randrange(len(options))
    return _unique_email(options[first:] + options[:first], domain, taken)


def _build_contacts(rng: random.Random, today: date, n: int, orgs: list[_Org]) -> list[_Person]:
    assignment = _assign_accounts(rng, n, orgs)
    locale_weights = [loc.weight for loc in _LOCALES]
    taken: set[str] = {"ada@example.com"}
    staffed: set[int] = set()
    people: list[_Person] = []
    for i, acc in enumerate(assignment):
        org = orgs[acc] if acc is not None else None
        fixed = _FIXED[i] if i < len(_FIXED) else None
        # Where they work or live, and where their name comes from.
        if fixed is not None:
            name_loc = _BY_CODE[fixed.loc]
            country = org.loc if org else name_loc
            female, (given, g_roman), (family, f_roman) = fixed.female, fixed.given, fixed.family
            full_family = family
        else:
            if org is not None:
                foreign = 0.35 if org.loc.code == "AE" else 0.08
                name_loc = org.loc
                if rng.random() < foreign:
                    name_loc = rng.choices(_LOCALES, weights=locale_weights)[0]
                country = org.loc
            else:
                name_loc = rng.choices(_LOCALES, weights=locale_weights)[0]
                country = name_loc
            female = rng.random() < 0.5
            given, g_roman = rng.choice(name_loc.female if female else name_loc.male)
            fam = rng.choice(name_loc.family)
            family, f_roman = (fam[1], fam[3]) if female else (fam[0], fam[2])
            full_family = family
            if name_loc.code == "ES" and rng.random() < 0.45:
                second = rng.choice(name_loc.family)[0]
                if second != family:
                    full_family = f"{family} {second}"

        contact = Contact(
            uid=_uid(rng),
            given_name=given,
            family_name=full_family,
            display_name=f"{family}{given}" if name_loc.cjk else f"{given} {full_family}",
            provenance=_provenance(),
        )
        if fixed is None:
            _decorate_name(rng, contact, name_loc, female)

        # Job.
        if org is not None:
            if fixed is not None:
                contact.title = fixed.title if org.loc.code == fixed.loc else ""
                contact.title = contact.title or org.loc.titles[0][int(female)]
            else:
                titles = org.loc.titles
                senior = acc not in staffed or rng.random() < 0.1
                pick = titles[rng.randrange(2)] if senior else titles[rng.randrange(2, len(titles))]
                contact.title = pick[int(female)]
                if rng.random() < 0.35:
                    contact.role = rng.choice(_ROLES)
            staffed.add(acc)

        _add_channels(rng, contact, org, country, name_loc, g_roman, f_roman, taken)

        if rng.random() < 0.4:
            contact.birthday = _random_birthday(rng, today)
        k = rng.choices((0, 1, 2, 3), weights=(35, 40, 18, 7))[0]
        tags: list[str] = []
        pool = dict(_TAG_WEIGHTS)
        for _ in range(k):
            tag = _weighted(rng, pool)
            tags.append(tag)
            del pool[tag]
        if rng.random() < 0.7:
            contact.stage = _weighted(rng, _STAGE_WEIGHTS)
            if contact.stage in ("customer", "evangelist") and "prospect" in tags:
                tags.remove("prospect")
        contact.tags = sorted(tags, key=CONTACT_TAGS.index)

        if i == 0:  # Ada Lovelace, exactly as the docs describe her
            contact.emails = [Email("ada@example.com", "work", True)]
            contact.tags = ["vip"]
            contact.stage = "lead"
            contact.birthday = PartialDate(year=1815, month=12, day=10)

        weight = 0.4 + rng.random() * 1.2
        if "vip" in contact.tags:
            weight *= 2.5
        if contact.stage in ("sql", "opportunity", "customer"):
            weight *= 1.6
        elif contact.stage == "subscriber" or "old" in contact.tags:
            weight *= 0.4
        if org is not None:
            weight *= 1.0 + org.weight / 3
        people.append(_Person(contact, acc, country.lang, g_roman, f_roman, weight))
    return people


def _decorate_name(rng: random.Random, contact: Contact, loc: _Locale, female: bool) -> None:
    """Prefixes, middle names, suffixes and nicknames, as often as people have them."""
    if loc.prefixes and rng.random() < 0.07:
        contact.prefix = rng.choice(loc.prefixes)[int(female)]
    middle = loc.middle[int(female)]
    if middle and rng.random() < 0.15:
        contact.additional_name = rng.choice(middle)
    if loc.suffixes and rng.random() < 0.03:
        contact.suffix = rng.choice(loc.suffixes)
    if contact.given_name in _NICKNAMES and rng.random() < 0.6:
        contact.nickname = rng.choice(_NICKNAMES[contact.given_name])
    elif loc.code == "CN" and rng.random() < 0.3:
        contact.nickname = rng.choice(_ENGLISH_NAMES[int(female)])


def _add_channels(
    rng: random.Random,
    contact: Contact,
    org: _Org | None,
    country: _Locale,
    name_loc: _Locale,
    g: str,
    f: str,
    taken: set[str],
) -> None:
    """E-mail addresses, phones, an address, a web page and a LinkedIn profile."""
    n_emails = rng.choices((1, 2, 3), weights=(60, 30, 10))[0]
    if org is not None:
        local = _work_local(rng, name_loc, g, f)
        contact.emails.append(Email(_unique_email(local, org.account.domain, taken), "work", True))
    while len(contact.emails) < n_emails:
        label = "home" if not any(e.label == "home" for e in contact.emails) else "other"
        address = _private_email(rng, g, f, taken)
        contact.emails.append(Email(address, label, not contact.emails))

    home_city = rng.choice(country.cities)
    mobile = Phone(_phone_number(rng, country, home_city, True), None, "mobile")
    work_city = org.city if org is not None else rng.choice(country.cities)
    work = Phone(_phone_number(rng, country, work_city, False), None, "work")
    phones = [work, mobile] if org is not None and rng.random() < 0.45 else [mobile, work]
    contact.phones = phones[: 2 if rng.random() < 0.35 else 1]
    contact.phones[0].preferred = True

    if rng.random() < 0.6:
        if org is not None and rng.random() < 0.5:
            contact.addresses.append(dataclasses.replace(org.account.addresses[0]))
        else:
            contact.addresses.append(_address(rng, country, home_city, "home"))

    slug = f"{g}-{f}"
    if rng.random() < 0.2:
        if org is not None:
            contact.urls.append(Url(f"https://www.{org.account.domain}/team/{slug}", "work"))
        else:
            contact.urls.append(Url(f"https://{slug}.example.net", "home"))
    if rng.random() < 0.35:
        handle = slug if rng.random() < 0.4 else f"{slug}-{rng.getrandbits(24):06x}"
        contact.socials.append(Social("linkedin", handle))
    tech = org is not None and org.account.industry in ("Software", "IT services")
    if tech and rng.random() < 0.3:
        contact.socials.append(Social("github", f"{g[0]}{f}".replace("-", "")))


def _place_birthdays(rng: random.Random, today: date, people: list[_Person]) -> None:
    """Exactly two contacts (when there are two to choose from) have their birthday today."""
    have = [p for p in people if p.contact.birthday and p.contact.birthday.occurs_on(today)]
    need = 2 - len(have)
    if need <= 0:
        return
    rest = [p for i, p in enumerate(people) if i >= len(_FIXED)]
    fixed = [p for i, p in enumerate(people) if 0 < i < len(_FIXED)]  # never Ada
    chosen = rng.sample(rest, min(need, len(rest)))
    chosen += fixed[: need - len(chosen)]
    for p in chosen:
        year = rng.randint(1960, 2000)
        if (today.month, today.day) == (2, 29):
            year -= year % 4
        p.contact.birthday = PartialDate(year=year, month=today.month, day=today.day)


# --------------------------------------------------------------------------------------------
# Notes, interactions, tasks and deals
# --------------------------------------------------------------------------------------------


def _context(
    rng: random.Random, today: date, people: list[_Person], orgs: list[_Org], idx: int | None
) -> dict[str, Any]:
    """Values for the text templates, for one contact (or none)."""
    quarter = (today.month - 1) // 3 + 1
    ctx: dict[str, Any] = {
        "n": rng.choice((5, 10, 12, 20, 25, 50, 100, 200, 500)),
        "q": quarter if rng.random() < 0.5 else quarter % 4 + 1,
        "inv": f"{rng.choice(('INV', 'RE', 'F'))}-{today.year}-{rng.randint(12, 980):04d}",
        "d": rng.randint(4, 28),
        "people": rng.randint(3, 12),
        "year": today.year + (1 if today.month >= 10 else 0),
        "month_no": (today.month + rng.randint(0, 4)) % 12,
        "company": None,
        "app": "WhatsApp",
        "other": rng.choice(people).contact.display_name if people else "a colleague",
    }
    events = _GB.events
    local_events = _GB.events
    if idx is not None:
        p = people[idx]
        c = p.contact
        loc = orgs[p.account].loc if p.account is not None else None
        loc = loc or next((x for x in _LOCALES if x.lang == p.lang), _GB)
        events, local_events = loc.events, loc.local_events
        ctx.update(given=c.given_name, family=c.family_name, name=c.display_name)
        if p.account is not None:
            ctx["company"] = orgs[p.account].account.name
        ctx["app"] = rng.choice(_CHAT_APPS.get(p.lang, ("WhatsApp", "Teams", "Slack")))
    k = rng.randrange(len(events))
    ctx["event"], ctx["local_event"] = events[k], local_events[k]
    return ctx


def _fill(template: str, ctx: dict[str, Any], lang: str = "en") -> str:
    months = _MONTHS.get(lang, _MONTHS["en"])
    values = dict(ctx, month=months[ctx["month_no"]])
    if lang != "en":
        values["event"] = ctx["local_event"]
    return template.format_map(values)


def _usable(template: str, ctx: dict[str, Any]) -> bool:
    return "{company}" not in template or ctx["company"] is not None


def _build_notes(
    rng: random.Random, today: date, people: list[_Person], orgs: list[_Org]
) -> list[tuple[Note, int]]:
    if not people:
        return []
    notes: list[tuple[Note, int]] = [
        (
            Note(
                body="Wrote the first published algorithm for the Analytical Engine. Prefers "
                "detailed technical write-ups to slide decks.",
                pinned=True,
                created_at=_past_dt(rng, today, 200, 400),
            ),
            0,
        )
    ]
    weights = [p.weight for p in people]
    for idx in rng.choices(
        range(len(people)), weights=weights, k=max(0, round(len(people) / 2) - 1)
    ):
        p = people[idx]
        ctx = _context(rng, today, people, orgs, idx)
        lang = p.lang if p.lang in _NOTES else "en"
        options = [t for t in _NOTES[lang] if _usable(t, ctx)]
        body = _fill(rng.choice(options), ctx, lang)
        created = _past_dt(rng, today)
        notes.append((Note(body=body, pinned=rng.random() < 0.12, created_at=created), idx))
    return notes


def _build_interactions(
    rng: random.Random, today: date, people: list[_Person], orgs: list[_Org]
) -> list[tuple[Interaction, int]]:
    if not people:
        return []
    out: list[tuple[Interaction, int]] = []
    weights = [p.weight for p in people]
    total = round(len(people) * 2.5)
    for idx in rng.choices(range(len(people)), weights=weights, k=total):
        ctx = _context(rng, today, people, orgs, idx)
        options = [t for t in _INTERACTIONS if _usable(t[3], ctx)]
        channel, direction, _, template = rng.choices(options, weights=[t[2] for t in options])[0]
        at = _past_dt(rng, today)
        summary = _fill(template, ctx)
        out.append((Interaction(channel, summary, at, direction=direction, created_at=at), idx))
    out.sort(key=lambda item: item[0].occurred_at)
    return out


def _task_bucket_sizes(contacts: int) -> list[tuple[str, int]]:
    scale = contacts / 200

    def part(x: int, lowest: int) -> int:
        return max(lowest, round(x * scale))

    return [
        ("overdue", part(8, 7)),
        ("today", part(7, 7)),
        ("soon", part(15, 5)),
        ("later", part(8, 2)),
        ("none", part(8, 3)),
        ("done", part(6, 3)),
        ("cancelled", part(2, 0)),
    ]


def _build_tasks(
    rng: random.Random, today: date, people: list[_Person], orgs: list[_Org]
) -> list[tuple[Task, int | None]]:
    weights = [p.weight for p in people]
    with_account = [i for i, p in enumerate(people) if p.account is not None]

    def some_contact(need_account: bool = False) -> int | None:
        if need_account:
            return rng.choice(with_account) if with_account else None
        return rng.choices(range(len(people)), weights=weights)[0] if people else None

    tasks: list[tuple[Task, int | None]] = []

    # Recurring chores and check-ins.
    for title, kind, rule, bucket, at, priority in _RECURRING:
        idx = None
        if "{name}" in title or "{company}" in title:
            idx = some_contact("{company}" in title)
            if idx is None:
                kind = "todo"
                title = title.replace("{name}", "key customers")
                title = title.replace("{company}", "key accounts")
        if bucket == "monday":
            due = today + timedelta(days=(7 - today.weekday()) % 7)
        elif bucket == "weekday":
            due = today + timedelta(days=7 - today.weekday() if today.weekday() >= 5 else 0)
        elif bucket == "overdue":
            due = today - timedelta(days=rng.randint(1, 6))
        elif bucket == "soon":
            due = today + timedelta(days=rng.randint(2, 14))
        else:
            due = today
        ctx = _context(rng, today, people, orgs, idx)
        task = Task(
            title=_fill(title, ctx),
            kind=kind,
            due_date=due,
            due_time=at,
            priority=priority,
            repeat=rule,
            created_at=_past_dt(rng, today, 30, 200),
        )
        tasks.append((task, idx))

    # One-off tasks: about half of them follow-ups.
    plan = [b for b, k in _task_bucket_sizes(len(people)) for _ in range(k)]
    m = len(plan)
    kinds = ["followup"] * round(m * 0.5) + ["call"] * round(m * 0.2)
    kinds += ["meeting"] * round(m * 0.12)
    kinds += ["todo"] * (m - len(kinds))
    rng.shuffle(kinds)
    rng.shuffle(plan)
    timed_today = 0
    used: dict[str, int] = {}
    for bucket, kind in zip(plan, kinds, strict=True):
        if not people:
            kind = "todo"
        idx: int | None = None
        ctx = _context(rng, today, people, orgs, None)
        if kind != "todo" or rng.random() < 0.25:
            idx = some_contact()
            ctx = _context(rng, today, people, orgs, idx)
        options = [t for t in _TASK_TITLES[kind] if _usable(t, ctx)]
        if idx is None:
            options = [t for t in options if "{name}" not in t and "{company}" not in t]
        elif kind == "todo":
            options = [t for t in options if "{name}" in t or "{company}" in t] or options
        fewest = min(used.get(t, 0) for t in options)  # vary the titles
        template = rng.choice([t for t in options if used.get(t, 0) == fewest])
        used[template] = used.get(template, 0) + 1
        title = _fill(template, ctx)

        task = Task(title=title, kind=kind, priority=_weighted(rng, _PRIORITY_WEIGHTS))
        if rng.random() < 0.2:
            task.notes = rng.choice(_TASK_NOTES)
        created_before = today
        if bucket == "overdue":
            task.due_date = today - timedelta(days=rng.randint(1, 20))
        elif bucket == "today":
            task.due_date = today
            if timed_today < 2 or rng.random() < 0.4:
                task.due_time = rng.choice(_DUE_TIMES)
                timed_today += 1
        elif bucket == "soon":
            task.due_date = today + timedelta(days=rng.randint(1, 14))
            if rng.random() < 0.25:
                task.due_time = rng.choice(_DUE_TIMES)
        elif bucket == "later":
            task.due_date = today + timedelta(days=rng.randint(15, 60))
        elif bucket == "done":
            task.due_date = today - timedelta(days=rng.randint(1, 45))
            task.status = "done"
            done_day = task.due_date - timedelta(days=rng.randint(0, 2))
            task.completed_at = _office_dt(rng, done_day)
            created_before = done_day
        elif bucket == "cancelled":
            task.due_date = today - timedelta(days=rng.randint(2, 30))
            task.status = "cancelled"
        if task.due_date is not None:
            created_before = min(created_before, task.due_date)
        task.created_at = _office_dt(rng, created_before - timedelta(days=rng.randint(1, 21)))
        tasks.append((task, idx))
    return tasks


def _build_deals(
    rng: random.Random, today: date, people: list[_Person], orgs: list[_Org]
) -> list[tuple[Deal, int | None, int | None]]:
    if not orgs:
        return []
    staff: dict[int, list[int]] = {}
    for i, p in enumerate(people):
        if p.account is not None:
            staff.setdefault(p.account, []).append(i)
    weights = [
        2.0 if "key-account" in o.account.tags else 1.5 if "prospect" in o.account.tags else 1.0
        for o in orgs
    ]
    deals: list[tuple[Deal, int | None, int | None]] = []
    for _ in range(round(len(orgs) * 25 / 40)):
        acc = rng.choices(range(len(orgs)), weights=weights)[0]
        weights[acc] /= 3  # a second deal with the same account is less likely
        org = orgs[acc]
        people_there = staff.get(acc, [])
        idx = rng.choice(people_there) if people_there and rng.random() < 0.9 else None
        stage = _weighted(rng, _DEAL_STAGE_WEIGHTS)
        ctx = _context(rng, today, people, orgs, None)
        offer = _fill(rng.choice(_DEAL_OFFERS), ctx)
        amount = rng.choice(_DEAL_EUR) * (0.8 + 0.4 * rng.random()) * org.loc.fx
        step = 10000 if org.loc.currency == "JPY" else 1000 if org.loc.fx > 3 else 100
        amount = max(step, round(amount / step) * step)
        deal = Deal(
            title=f"{offer} – {org.account.name}",
            value_cents=int(amount) * 100,
            currency=org.loc.currency,
            stage=stage,
            probability=_PROBABILITY[stage],
            status=stage if stage in ("won", "lost") else "open",
        )
        if deal.status == "open":
            deal.expected_close = today + timedelta(days=rng.randint(-10, 90))
            start = today - timedelta(days=rng.randint(5, 150))
        else:
            deal.expected_close = today - timedelta(days=rng.randint(1, 90))
            deal.closed_at = _office_dt(rng, deal.expected_close)
            start = deal.expected_close - timedelta(days=rng.randint(20, 120))
        deal.created_at = _office_dt(rng, start)
        deals.append((deal, acc, idx))
    return deals


def _stamp_created(
    rng: random.Random,
    today: date,
    data: DemoData,
) -> None:
    """Contacts and accounts were created before anything that mentions them."""
    first: dict[int, datetime] = {}

    def seen(idx: int | None, at: datetime | None) -> None:
        if idx is not None and at is not None and (idx not in first or at < first[idx]):
            first[idx] = at

    for note, idx in data.notes:
        seen(idx, note.created_at)
    for interaction, idx in data.interactions:
        seen(idx, interaction.occurred_at)
    for task, t_idx in data.tasks:
        seen(t_idx, task.created_at)
    for deal, _, d_idx in data.deals:
        seen(d_idx, deal.created_at)

    account_first: dict[int, datetime] = {}
    for deal, acc, _ in data.deals:
        if acc is not None and deal.created_at is not None:
            account_first[acc] = min(account_first.get(acc, deal.created_at), deal.created_at)
    for i, (contact, acc) in enumerate(data.contacts):
        if i in first:
            day = first[i].date() - timedelta(days=rng.randint(0, 30))
        else:
            day = today - timedelta(days=rng.randint(1, 600))
        contact.created_at = _office_dt(rng, day)
        if contact.created_at > first.get(i, contact.created_at):  # same day, later hour
            contact.created_at = first[i] - timedelta(minutes=30)
        if acc is not None:
            account_first[acc] = min(account_first.get(acc, contact.created_at), contact.created_at)
    for k, account in enumerate(data.accounts):
        if k in account_first:
            day = account_first[k].date() - timedelta(days=rng.randint(0, 14))
            account.created_at = min(_office_dt(rng, day), account_first[k])
        else:
            account.created_at = _office_dt(rng, today - timedelta(days=rng.randint(1, 600)))


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------


def build_demo(today: date, *, seed: int = 7, contacts: int = 200, accounts: int = 40) -> DemoData:
    """Build the sample book: ``accounts`` companies, ``contacts`` people and their history.

    Deterministic for the same arguments. Past activity (notes, interactions, completed tasks,
    closed deals) lies within about 18 months before ``today``; task due dates and expected
    deal closes may lie ahead. Exactly two contacts have their birthday on ``today``.
    """
    if contacts < 0 or accounts < 0:
        raise ValueError("contacts and accounts must not be negative")
    if isinstance(today, datetime):
        today = today.date()
    master = random.Random(seed)
    # One stream per part, so that e.g. more contacts do not reshuffle the accounts.
    streams = [random.Random(master.getrandbits(64)) for _ in range(8)]
    acc_rng, con_rng, bday_rng, note_rng, int_rng, task_rng, deal_rng, stamp_rng = streams

    orgs = _build_accounts(acc_rng, accounts)
    people = _build_contacts(con_rng, today, contacts, orgs)
    _place_birthdays(bday_rng, today, people)
    data = DemoData(
        accounts=[o.account for o in orgs],
        contacts=[(p.contact, p.account) for p in people],
        notes=_build_notes(note_rng, today, people, orgs),
        interactions=_build_interactions(int_rng, today, people, orgs),
        tasks=_build_tasks(task_rng, today, people, orgs),
        deals=_build_deals(deal_rng, today, people, orgs),
    )
    _stamp_created(stamp_rng, today, data)
    return data
