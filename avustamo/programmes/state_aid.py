"""What a decision says about State aid, in the words the rules ask for, in Finnish, Swedish and English.

De minimis aid: Commission Regulation (EU) 2023/2831 article 6(1) has the undertaking informed in writing of the
amount of the aid expressed as gross grant equivalent and of its de minimis character, referring expressly to the
regulation by its title and its publication reference in the Official Journal. A grant's gross grant equivalent is
its amount. Aid under the General Block Exemption Regulation names the article it is given under and the
regulation. The titles and references are the Official Journal's (EUR-Lex, OJ L, 2023/2831, 15.12.2023, and
OJ L 187, 26.6.2014, p. 1), as published in each language.
"""

from decimal import Decimal

from avustamo.core.money import format_euros
from avustamo.programmes.models import StateAidBasis

# The most de minimis aid one single undertaking may receive over any period of three years (2023/2831 art. 3(2)).
DE_MINIMIS_CEILING = Decimal("300000.00")

DE_MINIMIS_REGULATION = {
    "fi": "komission asetus (EU) 2023/2831, annettu 13 päivänä joulukuuta 2023, Euroopan unionin toiminnasta "
    "tehdyn sopimuksen 107 ja 108 artiklan soveltamisesta vähämerkityksiseen tukeen (EUVL L, 2023/2831, 15.12.2023)",
    "sv": "kommissionens förordning (EU) 2023/2831 av den 13 december 2023 om tillämpningen av artiklarna 107 och "
    "108 i fördraget om Europeiska unionens funktionssätt på stöd av mindre betydelse (EUT L, 2023/2831, "
    "15.12.2023)",
    "en": "Commission Regulation (EU) 2023/2831 of 13 December 2023 on the application of Articles 107 and 108 of "
    "the Treaty on the Functioning of the European Union to de minimis aid (OJ L, 2023/2831, 15.12.2023)",
}
BLOCK_EXEMPTION_REGULATION = {
    "fi": "komission asetus (EU) N:o 651/2014, annettu 17 päivänä kesäkuuta 2014, tiettyjen tukimuotojen "
    "toteamisesta sisämarkkinoille soveltuviksi perussopimuksen 107 ja 108 artiklan mukaisesti (EUVL L 187, "
    "26.6.2014, s. 1)",
    "sv": "kommissionens förordning (EU) nr 651/2014 av den 17 juni 2014 genom vilken vissa kategorier av stöd "
    "förklaras förenliga med den inre marknaden enligt artiklarna 107 och 108 i fördraget (EUT L 187, 26.6.2014, "
    "s. 1)",
    "en": "Commission Regulation (EU) No 651/2014 of 17 June 2014 declaring certain categories of aid compatible "
    "with the internal market in application of Articles 107 and 108 of the Treaty (OJ L 187, 26.6.2014, p. 1)",
}
NOT_AID = {
    "fi": "Avustus ei ole Euroopan unionin toiminnasta tehdyn sopimuksen 107 artiklan 1 kohdassa tarkoitettua "
    "valtiontukea, koska se myönnetään muuhun kuin taloudelliseen toimintaan.",
    "sv": "Understödet är inte statligt stöd enligt artikel 107.1 i fördraget om Europeiska unionens funktionssätt, "
    "eftersom det beviljas för annan än ekonomisk verksamhet.",
    "en": "The grant is not State aid within the meaning of Article 107(1) of the Treaty on the Functioning of the "
    "European Union, as it is given for non-economic activity.",
}
DE_MINIMIS = {
    "fi": "Avustus on vähämerkityksistä (de minimis) tukea. Tuen määrä bruttoavustusekvivalenttina on %(amount)s. "
    "Tuki myönnetään seuraavan asetuksen mukaisesti: %(regulation)s. Samalle yhdelle yritykselle myönnetyn "
    "vähämerkityksisen tuen määrä saa olla enintään %(ceiling)s minkä tahansa kolmen vuoden jakson aikana; "
    "ilmoittakaa tämä tuki, kun haette muuta vähämerkityksistä tukea.",
    "sv": "Understödet är stöd av mindre betydelse (de minimis-stöd). Stödets belopp uttryckt som "
    "bruttobidragsekvivalent är %(amount)s. Stödet beviljas enligt %(regulation)s. Stödet av mindre betydelse "
    "till ett och samma enda företag får uppgå till högst %(ceiling)s under en period av tre år; ange detta "
    "stöd när ni ansöker om annat stöd av mindre betydelse.",
    "en": "The grant is de minimis aid. The amount of the aid expressed as gross grant equivalent is %(amount)s. The "
    "aid is granted under %(regulation)s. De minimis aid to a single undertaking may not exceed %(ceiling)s "
    "over any period of three years; declare this aid when you apply for other de minimis aid.",
}
BLOCK_EXEMPTION = {
    "fi": "Avustus on valtiontukea, joka myönnetään seuraavan asetuksen %(article)s artiklan nojalla: "
    "%(regulation)s.",
    "sv": "Understödet är statligt stöd som beviljas med stöd av artikel %(article)s i %(regulation)s.",
    "en": "The grant is State aid granted under Article %(article)s of %(regulation)s.",
}


def state_aid_statement(call, amount, language: str) -> str:
    """The decision's statement of the grant's State aid character in `language` ("fi", "sv" or "en")."""
    basis = call.aid_basis
    if basis == StateAidBasis.DE_MINIMIS:
        return DE_MINIMIS[language] % {
            "amount": format_euros(amount, language),
            "regulation": DE_MINIMIS_REGULATION[language],
            "ceiling": format_euros(DE_MINIMIS_CEILING, language),
        }
    if basis == StateAidBasis.GBER:
        return BLOCK_EXEMPTION[language] % {
            "article": call.aid_article,
            "regulation": BLOCK_EXEMPTION_REGULATION[language],
        }
    return NOT_AID[language]
