"""Korean shop-floor terms and their English equivalents, for English guides written from a Korean manual.

A small local model translates technical Korean poorly word by word (``금형``, a die or mould, comes out
as "gold alloy" because ``금`` alone is gold). The glossary serves two purposes:

* hints: the prompt translating a manual line (and the English guide prompt, for a line left
  untranslated) lists the glossary terms that occur in it (``glossary_lines``), so the model has the
  right English word;
* the check: a translation of a Korean line must carry every listed term of that line in English
  (``missing_terms`` names the terms none of whose accepted English words it uses), and the verifier
  compares an English item also with the glossed manual sentence (``gloss``), since character n-grams
  cannot match across the two scripts.

The table is general manufacturing vocabulary by domain (casting, moulding, machining, welding, press work,
surface treatment, heat treatment, assembly, electronics, textiles, glass and ceramics, rubber and seals,
film, paper and printing, packaging, handling, equipment and maintenance, inspection, defect names and
the common words of corrective-action manuals), not the text of any one manual. Each term maps to its
preferred English and the alternatives a faithful translation may use (British and American spellings,
base forms, synonyms). A term not in the table is translated by the model alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable


# domain -> {Korean term: (preferred English, accepted alternatives...)}
DOMAINS: dict[str, dict[str, tuple[str, ...]]] = {
    "casting": {
        "금형": ("die", "mould", "mold"),
        "금형면": ("die surface", "mould surface", "mold surface", "die face"),
        "다이캐스팅": ("die casting", "die cast"),
        "주조": ("casting", "cast", "foundry"),
        "금속": ("metal",),
        "가스": ("gas",),
        "주형": ("casting mould", "mould", "mold", "casting mold"),
        "용탕": ("molten metal", "melt"),
        "용융": ("melting", "melt", "molten"),
        "용해로": ("melting furnace", "furnace"),
        "래들": ("ladle",),
        "응고": ("solidification", "solidify", "solidified"),
        "탈가스": ("degassing", "degas"),
        "탈기": ("degassing", "degas", "deaeration"),
        "포획": ("entrapment", "entrap", "trap", "trapped"),
        "가스 배출": ("gas venting", "gas release", "vent", "venting"),
        "배기": ("venting", "vent", "exhaust"),
        "벤트": ("vent",),
        "탕구": ("sprue",),
        "탕도": ("runner",),
        "게이트": ("gate",),
        "압탕": ("riser", "feeder"),
        "충진": ("filling", "fill"),
        "이형제": ("release agent", "parting agent", "die lubricant"),
        "접합면": ("parting surface", "joint surface", "parting face"),
        "파팅 라인": ("parting line",),
        "조립면": ("mating surface", "assembly surface"),
        "몰드": ("mould", "mold"),
        "코어": ("core",),
        "캐비티": ("cavity",),
        "플런저": ("plunger",),
        "증압": ("intensification pressure", "intensification", "boost pressure"),
        "탕경": ("cold shut", "cold lap"),
        "소착": ("die soldering", "soldering", "sticking", "seizure"),
        "열균열": ("hot crack", "hot tear", "heat crack"),
        "잉곳": ("ingot",),
        "합금": ("alloy",),
        "알루미늄": ("aluminium", "aluminum"),
        "아연": ("zinc",),
        "구리": ("copper",),
        "주철": ("cast iron",),
    },
    "moulding": {
        "사출": ("injection moulding", "injection molding", "injection", "moulding", "molding"),
        "사출기": ("injection moulding machine", "injection machine", "moulding machine", "molding machine"),
        "사출 압력": ("injection pressure",),
        "보압": ("holding pressure", "hold pressure", "packing pressure"),
        "성형": ("moulding", "molding", "forming", "mould", "mold", "form"),
        "성형품": ("moulded part", "molded part", "moulding", "molding"),
        "형체": ("mould clamping unit", "mould clamping", "mold clamping", "clamping unit", "clamping"),
        "금형 온도": ("mould temperature", "mold temperature", "die temperature"),
        "수지": ("resin",),
        "플라스틱": ("plastic", "plastics"),
        "펠릿": ("pellet", "pellets"),
        "호퍼": ("hopper",),
        "배럴": ("barrel",),
        "스크류": ("screw",),
        "핫러너": ("hot runner",),
        "이젝터": ("ejector",),
        "이젝터 핀": ("ejector pin",),
        "밀핀": ("ejector pin", "knockout pin"),
        "취출": ("removal", "take out", "extraction"),
        "탈형": ("demoulding", "demolding", "mould release", "mold release", "ejection", "release"),
        "압출": ("extrusion", "extrude"),
        "열가소성": ("thermoplastic",),
        "재생재": ("recycled material", "regrind"),
        "인서트": ("insert",),
        "슬라이드": ("slide",),
        "살두께": ("wall thickness",),
        "리브": ("rib",),
        "구배": ("draft", "draft angle", "taper"),
        "사이클 타임": ("cycle time",),
        "냉각 시간": ("cooling time",),
        "수분": ("moisture", "water content", "humidity"),
        "싱크 마크": ("sink mark", "sink"),
        "웰드 라인": ("weld line", "knit line"),
        "플로우 마크": ("flow mark", "flow line"),
        "은줄": ("silver streak", "splay"),
    },
    "machining": {
        "가공": ("machining", "processing", "machine", "process"),
        "절삭": ("cutting", "cut"),
        "연삭": ("grinding", "grind"),
        "연마": ("grinding", "polishing", "polish", "grind"),
        "재연마": ("regrinding", "regrind", "repolishing", "resharpening"),
        "선반": ("lathe", "turning", "shelf"),
        "밀링": ("milling", "mill"),
        "드릴": ("drill",),
        "드릴링": ("drilling", "drill"),
        "보링": ("boring", "bore"),
        "탭": ("tap", "tapping"),
        "공구": ("tool", "tooling"),
        "팁": ("tip", "insert tip"),
        "날": ("blade", "cutting edge", "edge"),
        "절삭유": ("cutting fluid", "cutting oil", "coolant"),
        "칩": ("chip", "swarf"),
        "이송 속도": ("feed rate", "feed speed"),
        "절삭 속도": ("cutting speed",),
        "주축": ("spindle", "main spindle"),
        "스핀들": ("spindle",),
        "척": ("chuck",),
        "지그": ("jig",),
        "치공구": ("jig and fixture", "fixture", "jig"),
        "클램핑": ("clamping", "clamp"),
        "공작물": ("workpiece", "work piece", "part"),
        "가공면": ("machined surface", "surface"),
        "면취": ("chamfering", "chamfer"),
        "디버링": ("deburring", "deburr"),
        "버 제거": ("deburring", "burr removal", "deburr", "remove burrs"),
        "떨림": ("chatter", "vibration", "vibrate"),
        "수치 제어": ("numerical control", "CNC"),
        "방전 가공": ("electrical discharge machining", "EDM", "spark erosion"),
        "숫돌": ("grinding wheel", "wheel", "whetstone"),
    },
    "welding": {
        "용접": ("welding", "weld"),
        "용접부": ("weld", "welded joint", "weld zone", "weld area"),
        "전극": ("electrode",),
        "용가재": ("filler metal", "filler", "filler wire"),
        "와이어": ("wire",),
        "보호 가스": ("shielding gas", "shield gas"),
        "아르곤": ("argon",),
        "아크": ("arc",),
        "스폿 용접": ("spot welding", "spot weld"),
        "티그 용접": ("TIG welding", "tungsten inert gas welding"),
        "브레이징": ("brazing", "braze"),
        "접합": ("joining", "bonding", "joint", "join", "bond"),
        "비드": ("bead", "weld bead"),
        "용입": ("penetration",),
        "용입 부족": ("lack of penetration", "incomplete penetration", "insufficient penetration"),
        "융합 불량": ("lack of fusion", "incomplete fusion"),
        "언더컷": ("undercut",),
        "스패터": ("spatter",),
        "슬래그": ("slag",),
        "열영향부": ("heat affected zone", "HAZ"),
        "토치": ("torch",),
        "용접 변형": ("welding distortion", "weld distortion", "distortion"),
        "오버랩": ("overlap",),
        "블로홀": ("blowhole", "blow hole", "gas hole"),
        "접착": ("adhesion", "bonding", "gluing", "adhere", "bond", "glue"),
        "접착제": ("adhesive", "glue"),
        "접착력": ("adhesive strength", "adhesion", "bond strength"),
    },
    "press": {
        "프레스": ("press", "pressing"),
        "판금": ("sheet metal",),
        "강판": ("steel sheet", "steel plate", "sheet"),
        "코일": ("coil",),
        "블랭크": ("blank",),
        "타발": ("punching", "blanking", "punch"),
        "펀치": ("punch",),
        "다이": ("die",),
        "굽힘": ("bending", "bend"),
        "절곡": ("bending", "bend", "folding"),
        "드로잉": ("drawing", "draw", "deep drawing"),
        "단조": ("forging", "forge"),
        "압연": ("rolling", "roll"),
        "전단": ("shearing", "shear"),
        "트리밍": ("trimming", "trim"),
        "스프링백": ("springback", "spring back"),
        "클리어런스": ("clearance",),
        "간극": ("clearance", "gap"),
        "스트로크": ("stroke",),
        "톤수": ("tonnage",),
        "가압력": ("pressing force", "press force", "pressure"),
        "성형성": ("formability",),
        "프로그레시브 금형": ("progressive die",),
        "소성 변형": ("plastic deformation",),
    },
    "surface": {
        "표면": ("surface",),
        "표면 처리": ("surface treatment", "surface finishing", "finishing"),
        "도장": ("painting", "paint", "coating"),
        "도료": ("paint", "coating material"),
        "도막": ("paint film", "coating film", "film", "coating"),
        "도금": ("plating", "plate"),
        "전기 도금": ("electroplating", "electroplate"),
        "아연 도금": ("galvanising", "galvanizing", "zinc plating", "galvanise", "galvanize"),
        "양극 산화": ("anodising", "anodizing", "anodise", "anodize"),
        "코팅": ("coating", "coat"),
        "분체 도장": ("powder coating",),
        "분사": ("spraying", "spray", "jet", "blast"),
        "건조": ("drying", "dry"),
        "전처리": ("pretreatment", "preparation"),
        "탈지": ("degreasing", "degrease"),
        "세척": ("cleaning", "washing", "clean", "wash"),
        "세정": ("cleaning", "washing", "rinsing", "clean", "wash", "rinse"),
        "피막": ("film", "coating", "layer"),
        "하도": ("primer", "primer coat", "undercoat"),
        "상도": ("top coat", "topcoat", "finish coat"),
        "막두께": ("film thickness", "coating thickness"),
        "광택": ("gloss", "shine", "lustre", "luster"),
        "색상": ("colour", "color", "hue", "shade"),
        "색차": ("colour difference", "color difference", "colour deviation", "color deviation"),
        "오렌지 필": ("orange peel",),
        "핀홀": ("pinhole", "pin hole"),
        "블라스트": ("blasting", "blast"),
        "폴리싱": ("polishing", "polish"),
        "마스킹": ("masking", "mask"),
        "부착력": ("adhesion", "adhesive strength", "bond strength"),
        "밀착 불량": ("poor adhesion", "adhesion failure"),
    },
    "heat treatment": {
        "열처리": ("heat treatment", "heat treat"),
        "담금질": ("quenching", "quench", "hardening"),
        "뜨임": ("tempering", "temper"),
        "소둔": ("annealing", "anneal"),
        "불림": ("normalising", "normalizing", "normalise", "normalize"),
        "침탄": ("carburising", "carburizing", "carburise", "carburize"),
        "질화": ("nitriding", "nitride"),
        "고주파": ("induction", "high frequency"),
        "경화": ("hardening", "curing", "harden", "cure"),
        "경도": ("hardness",),
        "가열로": ("heating furnace", "furnace"),
        "가열": ("heating", "heat"),
        "냉각": ("cooling", "cool"),
        "냉각수": ("cooling water", "coolant"),
        "서냉": ("slow cooling", "slow cool"),
        "급냉": ("rapid cooling", "quenching", "quench"),
        "예열": ("preheating", "preheat"),
        "유지 시간": ("holding time", "soak time", "soaking time"),
        "탄소강": ("carbon steel",),
        "스테인리스": ("stainless steel", "stainless"),
        "강재": ("steel",),
        "조직": ("microstructure", "structure"),
        "잔류 응력": ("residual stress",),
        "응력": ("stress",),
        "탈탄": ("decarburisation", "decarburization"),
        "스케일": ("scale",),
        "열변형": ("thermal deformation", "heat distortion", "thermal distortion"),
        "열팽창": ("thermal expansion",),
    },
    "assembly": {
        "조립": ("assembly", "assembling", "assemble"),
        "체결": ("fastening", "tightening", "fasten", "tighten"),
        "볼트": ("bolt",),
        "너트": ("nut",),
        "나사": ("screw", "thread"),
        "와셔": ("washer",),
        "리벳": ("rivet",),
        "토크": ("torque",),
        "체결 토크": ("tightening torque", "torque"),
        "렌치": ("wrench", "spanner"),
        "드라이버": ("screwdriver", "driver"),
        "풀림": ("loosening", "loosen", "loose", "annealing", "anneal"),
        "조임": ("tightening", "tighten"),
        "헐거움": ("looseness", "loose", "play"),
        "유격": ("play", "clearance", "backlash"),
        "핀": ("pin",),
        "부품": ("part", "component"),
        "하우징": ("housing",),
        "커버": ("cover",),
        "브래킷": ("bracket",),
        "클립": ("clip",),
        "클램프": ("clamp",),
        "압입": ("press fitting", "press fit", "press in"),
        "끼워맞춤": ("fit", "fitting"),
        "정렬": ("alignment", "align"),
        "위치 결정": ("positioning", "locating", "position"),
        "오조립": ("misassembly", "wrong assembly", "incorrect assembly"),
        "스터드": ("stud",),
        "부싱": ("bushing", "bush"),
        "스페이서": ("spacer",),
        "체결력": ("clamping force", "fastening force"),
    },
    "electronics": {
        "기판": ("board", "PCB", "circuit board", "substrate"),
        "인쇄 회로 기판": ("printed circuit board", "PCB"),
        "회로": ("circuit",),
        "실장": ("mounting", "placement", "mount"),
        "부품 실장": ("component mounting", "component placement", "mounting", "placement"),
        "표면 실장": ("surface mount", "SMT"),
        "납땜": ("soldering", "solder"),
        "솔더": ("solder",),
        "솔더 페이스트": ("solder paste",),
        "플럭스": ("flux",),
        "리플로우": ("reflow",),
        "인두": ("soldering iron", "iron"),
        "냉납": ("cold solder joint", "cold joint", "cold solder"),
        "브리지": ("bridge", "bridging"),
        "솔더 볼": ("solder ball",),
        "미납": ("insufficient solder", "missing solder", "no solder"),
        "툼스톤": ("tombstoning", "tombstone"),
        "커넥터": ("connector",),
        "단자": ("terminal", "pin"),
        "배선": ("wiring", "wire"),
        "케이블": ("cable",),
        "하네스": ("harness", "wire harness", "wiring harness"),
        "전선": ("wire", "electric wire", "cable"),
        "피복": ("insulation", "sheath", "coating", "covering"),
        "절연": ("insulation", "insulate"),
        "단선": ("open circuit", "broken wire", "disconnection"),
        "단락": ("short circuit", "short"),
        "정전기": ("static electricity", "static", "electrostatic discharge", "ESD"),
        "접지": ("grounding", "earthing", "ground", "earth"),
        "저항": ("resistance", "resistor"),
        "전류": ("current", "amperage"),
        "전압": ("voltage",),
        "커패시터": ("capacitor",),
        "반도체": ("semiconductor",),
        "스텐실": ("stencil",),
        "패드": ("pad",),
        "패턴": ("pattern", "trace"),
    },
    "textile": {
        "섬유": ("fibre", "fiber", "textile"),
        "직물": ("fabric", "woven fabric", "textile", "cloth"),
        "원단": ("fabric", "cloth", "material"),
        "편물": ("knitted fabric", "knit fabric", "knitwear"),
        "부직포": ("nonwoven fabric", "nonwoven", "non woven fabric"),
        "직조": ("weaving", "weave"),
        "편직": ("knitting", "knit"),
        "봉제": ("sewing", "sew", "stitching"),
        "재봉틀": ("sewing machine",),
        "바늘": ("needle",),
        "실": ("thread", "yarn"),
        "원사": ("yarn", "raw yarn"),
        "날실": ("warp", "warp yarn"),
        "씨실": ("weft", "weft yarn", "filling yarn"),
        "직기": ("loom", "weaving machine"),
        "장력": ("tension",),
        "실 장력": ("thread tension", "yarn tension"),
        "실 끊김": ("yarn breakage", "thread breakage", "broken thread", "broken yarn"),
        "염색": ("dyeing", "dye"),
        "염료": ("dye", "dyestuff"),
        "표백": ("bleaching", "bleach"),
        "후가공": ("finishing", "post processing"),
        "수축률": ("shrinkage rate", "shrinkage"),
        "보풀": ("pilling", "fuzz", "lint"),
        "올 풀림": ("fraying", "unravelling", "unraveling", "fray", "unravel"),
        "스티치": ("stitch", "stitching"),
        "박음질": ("stitching", "stitch", "sewing"),
        "땀뜀": ("skipped stitch", "skip stitch"),
        "솔기": ("seam",),
        "이염": ("colour transfer", "color transfer", "dye transfer", "bleeding"),
        "탈색": ("fading", "fade", "colour loss", "color loss"),
        "염반": ("dye spot", "dye stain"),
        "재단": ("cutting", "cut", "trimming"),
        "보빈": ("bobbin",),
    },
    "glass and ceramics": {
        "유리": ("glass",),
        "판유리": ("sheet glass", "flat glass"),
        "강화 유리": ("tempered glass", "toughened glass"),
        "세라믹": ("ceramic", "ceramics"),
        "도자기": ("porcelain", "pottery", "ceramics"),
        "소성": ("firing", "fire", "sintering"),
        "소결": ("sintering", "sinter"),
        "가마": ("kiln",),
        "유약": ("glaze",),
        "시유": ("glazing", "glaze"),
        "점토": ("clay",),
        "슬러리": ("slurry",),
        "분말": ("powder",),
        "성형체": ("green body", "compact", "formed body"),
        "건조 균열": ("drying crack",),
        "서냉로": ("annealing furnace", "lehr"),
        "맥리": ("cord", "striae"),
        "칩핑": ("chipping", "chip"),
        "열충격": ("thermal shock",),
        "내열성": ("heat resistance",),
        "투명도": ("transparency", "clarity"),
        "흐림": ("haze", "cloudiness", "clouding", "cloudy"),
        "백탁": ("haze", "clouding", "whitening", "cloudiness"),
        "내화물": ("refractory",),
    },
    "rubber and sealing": {
        "고무": ("rubber",),
        "실리콘": ("silicone", "silicon"),
        "가황": ("vulcanisation", "vulcanization", "curing", "vulcanise", "vulcanize", "cure"),
        "미가황": ("undercure", "undercured", "uncured"),
        "배합": ("compounding", "mixing", "formulation", "compound", "mix"),
        "혼련": ("mixing", "kneading", "compounding", "mix"),
        "밀봉": ("sealing", "seal"),
        "실링": ("sealing", "seal"),
        "씰": ("seal",),
        "패킹": ("packing", "gasket", "seal"),
        "가스켓": ("gasket",),
        "오링": ("O-ring", "O ring", "seal ring"),
        "탄성": ("elasticity", "elastic", "resilience"),
        "압축": ("compression", "compress"),
        "압축 영구 변형": ("compression set",),
        "팽윤": ("swelling", "swell"),
        "노화": ("ageing", "aging", "deterioration", "age"),
        "열화": ("deterioration", "degradation", "deteriorate", "degrade"),
        "블룸": ("bloom", "blooming"),
        "누설": ("leakage", "leak"),
        "누유": ("oil leak", "leak", "leakage"),
        "누수": ("water leak", "leak", "leakage"),
        "새어": ("leaking", "leak"),
        "기밀": ("air tightness", "airtight", "gas tight", "sealing"),
        "기밀 시험": ("leak test", "air tightness test"),
        "충전제": ("filler",),
        "가소제": ("plasticiser", "plasticizer"),
    },
    "film, paper and printing": {
        "필름": ("film",),
        "종이": ("paper",),
        "용지": ("paper", "sheet"),
        "판지": ("paperboard", "board", "cardboard"),
        "골판지": ("corrugated board", "corrugated cardboard", "corrugated"),
        "인쇄": ("printing", "print"),
        "인쇄기": ("printing press", "printer", "press"),
        "인쇄판": ("printing plate", "plate"),
        "잉크": ("ink",),
        "스크린 인쇄": ("screen printing",),
        "라미네이팅": ("laminating", "lamination", "laminate"),
        "슬리팅": ("slitting", "slit"),
        "권취": ("winding", "wind", "take up", "rewinding"),
        "되감기": ("rewinding", "rewind"),
        "롤": ("roll", "roller"),
        "롤러": ("roller",),
        "컬": ("curl", "curling"),
        "말림": ("curl", "curling"),
        "번짐": ("smearing", "smudge", "bleeding", "smear", "blur"),
        "인쇄 어긋남": ("misregistration", "print misalignment", "register shift"),
        "레지스터": ("register", "registration"),
        "농도": ("density", "concentration"),
        "코로나 처리": ("corona treatment",),
        "투명": ("transparent", "clear"),
        "블로킹": ("blocking",),
    },
    "packaging": {
        "포장": ("packaging", "packing", "package", "pack"),
        "포장재": ("packaging material", "packing material"),
        "박스": ("box", "carton"),
        "상자": ("box", "case", "carton"),
        "완충재": ("cushioning", "cushioning material", "buffer material", "padding"),
        "비닐": ("plastic bag", "vinyl", "plastic film", "plastic"),
        "봉투": ("bag", "envelope"),
        "라벨": ("label",),
        "라벨링": ("labelling", "labeling", "label"),
        "바코드": ("barcode", "bar code"),
        "표기": ("marking", "indication", "label", "notation"),
        "표시": ("marking", "indication", "display", "mark", "indicate"),
        "접착 테이프": ("adhesive tape", "tape"),
        "테이프": ("tape",),
        "밴딩": ("strapping", "banding", "band"),
        "결속": ("binding", "strapping", "tying", "bundling", "bind", "tie"),
        "랩핑": ("wrapping", "wrap"),
        "수축 필름": ("shrink film", "shrink wrap"),
        "내용물": ("contents", "content"),
        "수량": ("quantity", "count", "number"),
        "일련번호": ("serial number",),
        "출하": ("shipment", "shipping", "ship", "dispatch"),
        "입고": ("receiving", "receipt", "incoming", "goods receipt"),
        "출고": ("shipping", "dispatch", "release", "outgoing"),
        "개봉": ("opening", "unpacking", "open"),
    },
    "handling": {
        "트레이": ("tray",),
        "컨베이어": ("conveyor", "conveyer"),
        "이송": ("transfer", "conveying", "convey", "feed", "transport"),
        "운반": ("transport", "carrying", "conveyance", "carry", "move"),
        "적재": ("stacking", "loading", "stack", "load", "storage"),
        "하역": ("unloading", "loading and unloading", "unload"),
        "적층": ("stacking", "stack", "layering", "lamination"),
        "지게차": ("forklift", "fork lift", "lift truck"),
        "대차": ("cart", "trolley", "dolly"),
        "크레인": ("crane",),
        "로더": ("loader",),
        "언로더": ("unloader",),
        "로봇": ("robot",),
        "그리퍼": ("gripper", "grip"),
        "흡착": ("suction", "vacuum", "adsorption", "pick up"),
        "보관": ("storage", "keeping", "store", "keep"),
        "재고": ("inventory", "stock"),
        "선입선출": ("first in first out", "FIFO"),
        "취급": ("handling", "handle"),
        "낙하": ("drop", "dropping", "fall", "falling"),
        "충돌": ("collision", "impact", "collide", "bump"),
        "충격": ("impact", "shock"),
        "팔레트": ("pallet",),
        "랙": ("rack",),
        "공급": ("supply", "feeding", "feed"),
        "투입": ("loading", "feeding", "input", "load", "feed", "charge"),
        "배출": ("discharge", "ejection", "exhaust", "release", "eject"),
        "피더": ("feeder",),
        "가이드": ("guide",),
        "레일": ("rail",),
    },
    "maintenance": {
        "설비": ("equipment", "facility", "machine", "machinery"),
        "장비": ("equipment", "machine", "tool"),
        "기계": ("machine", "machinery"),
        "장치": ("device", "unit", "equipment", "apparatus", "system"),
        "모터": ("motor",),
        "베어링": ("bearing",),
        "샤프트": ("shaft",),
        "축": ("shaft", "axis", "axle"),
        "벨트": ("belt",),
        "체인": ("chain",),
        "기어": ("gear",),
        "감속기": ("reducer", "gearbox", "speed reducer", "reduction gear"),
        "풀리": ("pulley",),
        "센서": ("sensor",),
        "스위치": ("switch",),
        "노즐": ("nozzle",),
        "밸브": ("valve",),
        "펌프": ("pump",),
        "실린더": ("cylinder",),
        "유압": ("hydraulic", "hydraulics", "hydraulic pressure", "oil pressure"),
        "공압": ("pneumatic", "pneumatics", "air pressure", "compressed air"),
        "유압유": ("hydraulic oil", "hydraulic fluid"),
        "윤활": ("lubrication", "lubricate", "lubricating"),
        "윤활유": ("lubricant", "lubricating oil", "oil"),
        "그리스": ("grease",),
        "오일": ("oil",),
        "공기": ("air",),
        "기름": ("oil", "grease"),
        "필터": ("filter",),
        "호스": ("hose",),
        "배관": ("piping", "pipe", "pipework", "plumbing"),
        "히터": ("heater",),
        "제어": ("control", "controlling"),
        "서보": ("servo",),
        "브레이크": ("brake",),
        "스프링": ("spring",),
        "유지보수": ("maintenance", "upkeep"),
        "예방 보전": ("preventive maintenance", "preventative maintenance"),
        "정비": ("maintenance", "servicing", "service", "repair"),
        "수리": ("repair", "fix", "mend"),
        "고장": ("failure", "breakdown", "fault", "malfunction", "break down"),
        "알람": ("alarm",),
        "비상 정지": ("emergency stop",),
        "가동": ("operation", "running", "operate", "run"),
        "정지": ("stop", "stoppage", "shutdown", "halt"),
        "부하": ("load",),
        "과부하": ("overload",),
        "소음": ("noise",),
        "이음": ("abnormal noise", "noise", "joint"),
        "발열": ("heat generation", "heating", "overheating", "heat"),
        "과열": ("overheating", "overheat"),
        "진동": ("vibration", "vibrate"),
        "소모품": ("consumable", "wear part"),
        "팬": ("fan",),
    },
    "inspection": {
        "검사": ("inspection", "inspect", "test", "check", "examination"),
        "점검": ("inspection", "inspect", "check"),
        "측정": ("measurement", "measure", "measuring"),
        "치수": ("dimension", "size", "dimensional"),
        "공차": ("tolerance",),
        "규격": ("specification", "spec", "standard"),
        "기준": ("standard", "criterion", "criteria", "reference", "basis"),
        "게이지": ("gauge", "gage"),
        "캘리퍼스": ("calliper", "caliper", "callipers", "calipers"),
        "마이크로미터": ("micrometer",),
        "다이얼 게이지": ("dial gauge", "dial indicator"),
        "측정기": ("measuring instrument", "gauge", "meter", "instrument"),
        "현미경": ("microscope",),
        "육안": ("visual", "naked eye", "visually"),
        "외관": ("appearance", "exterior", "visual"),
        "샘플링": ("sampling", "sample"),
        "샘플": ("sample", "specimen"),
        "시편": ("specimen", "test piece", "sample"),
        "전수 검사": ("full inspection", "total inspection", "hundred percent inspection"),
        "초물": ("first article", "first piece", "initial product"),
        "교정": ("calibration", "calibrate", "correction", "straightening"),
        "정밀도": ("accuracy", "precision"),
        "오차": ("error", "deviation"),
        "편차": ("deviation", "variation", "variance"),
        "산포": ("variation", "dispersion", "spread", "scatter"),
        "평탄도": ("flatness",),
        "표면 거칠기": ("surface roughness", "roughness"),
        "거칠기": ("roughness",),
        "두께": ("thickness",),
        "길이": ("length",),
        "폭": ("width",),
        "높이": ("height",),
        "깊이": ("depth",),
        "지름": ("diameter",),
        "내경": ("inner diameter", "inside diameter", "bore"),
        "외경": ("outer diameter", "outside diameter"),
        "무게": ("weight",),
        "밀도": ("density",),
        "판정": ("judgement", "judgment", "decision", "verdict", "judge"),
        "합격": ("pass", "accept", "acceptance", "accepted"),
        "불합격": ("fail", "failure", "reject", "rejection", "rejected"),
        "양품": ("good part", "good product", "conforming product", "good"),
        "불량품": ("defective part", "defective product", "reject", "defective"),
        "불량률": ("defect rate", "reject rate", "defective rate"),
        "추적": ("tracing", "tracking", "traceability", "trace", "track"),
        "이력": ("history", "record", "traceability"),
        "기록": ("record", "recording", "log", "logging"),
        "로트": ("lot", "batch"),
        "성적서": ("inspection report", "test report", "certificate"),
        "비파괴 검사": ("non destructive testing", "nondestructive testing", "NDT"),
        "초음파": ("ultrasonic", "ultrasound"),
    },
    "defects": {
        "불량": ("defect", "defective", "failure", "fault", "faulty", "poor", "bad", "reject"),
        "결함": ("defect", "flaw", "fault"),
        "균열": ("crack", "cracking", "fissure"),
        "크랙": ("crack", "cracking"),
        "긁힘": ("scratch", "scratching", "scuff"),
        "흠집": ("scratch", "nick", "mark", "scuff", "flaw"),
        "찍힘": ("dent", "nick", "ding", "impression", "dented"),
        "눌림": ("dent", "pressing mark", "depression", "indentation", "press mark"),
        "공극": ("void", "cavity", "pore", "gap"),
        "기포": ("bubble", "air bubble", "blister", "void"),
        "기공": ("porosity", "gas hole", "pore", "void", "blowhole", "hole"),
        "버": ("burr", "flash"),
        "날개 버": ("flash burr", "flash", "fin", "burr"),
        "돌출": ("protrusion", "protrude", "projection", "bulge"),
        "변형": ("deformation", "distortion", "deform", "deformed", "distorted"),
        "휨": ("warpage", "warp", "warping", "bending", "bend", "bow"),
        "뒤틀림": ("twisting", "warping", "distortion", "twist", "warp"),
        "변색": ("discolouration", "discoloration", "discolour", "discolor", "discoloured", "discolored"),
        "얼룩": ("stain", "spot", "mark", "blotch", "smear"),
        "이물": ("foreign matter", "foreign material", "foreign object", "debris", "contaminant", "particle"),
        "이물질": ("foreign matter", "foreign material", "foreign object", "debris", "contaminant", "particle"),
        "오염": ("contamination", "contaminate", "contaminated", "dirt", "soiling", "pollution"),
        "먼지": ("dust", "dirt"),
        "미성형": ("short shot", "incomplete filling", "unfilled", "underfill", "incomplete moulding"),
        "수축": ("shrinkage", "shrink", "contraction"),
        "탄화": ("burning", "burn mark", "charring", "carbonisation", "carbonization", "scorching"),
        "파손": ("breakage", "break", "broken", "damage", "damaged", "fracture"),
        "파단": ("fracture", "rupture", "break", "breakage"),
        "손상": ("damage", "damaged", "injury"),
        "깨짐": ("breakage", "break", "broken", "crack", "cracked", "chipping", "chip"),
        "누락": ("missing", "omission", "omitted", "omit", "left out"),
        "박리": ("peeling", "delamination", "flaking", "peel", "peel off", "delaminate"),
        "들뜸": ("lifting", "lift", "lifted", "raised"),
        "부풀음": ("blistering", "blister", "swelling", "bulge"),
        "녹": ("rust", "rusting", "corrosion"),
        "부식": ("corrosion", "corrode", "corroded", "rust"),
        "산화": ("oxidation", "oxidise", "oxidize", "oxidised", "oxidized"),
        "찌꺼기": ("residue", "debris", "dross", "sludge", "deposit"),
        "잔여물": ("residue",),
        "함몰": ("depression", "sink", "dent", "recess"),
        "요철": ("unevenness", "bumps", "irregularity", "uneven"),
        "단차": ("step", "mismatch", "level difference", "offset"),
        "치수 불량": ("dimensional defect", "out of tolerance", "dimension error"),
        "틈새": ("gap", "clearance", "crevice"),
        "틀어짐": ("misalignment", "misaligned", "skew", "shift"),
        "어긋남": ("misalignment", "offset", "shift", "mismatch", "misaligned"),
        "편심": ("eccentricity", "off centre", "off center", "runout", "eccentric"),
        "주름": ("wrinkle", "wrinkling", "crease", "creasing"),
        "찢어짐": ("tear", "tearing", "torn", "rip"),
        "터짐": ("burst", "bursting", "split", "rupture"),
        "처짐": ("sag", "sagging", "deflection", "droop"),
        "마모": ("wear", "abrasion", "worn", "wearing"),
        "마찰": ("friction", "rubbing", "rub"),
        "자국": ("mark", "trace", "imprint", "print"),
        "흔적": ("trace", "mark", "sign"),
    },
    "actions": {
        "발생": ("occurrence", "occur", "arise", "happen", "generation", "develop"),
        "원인": ("cause", "reason", "root cause", "source"),
        "조치": ("action", "measure", "countermeasure", "remedy", "corrective action"),
        "대책": ("countermeasure", "measure", "solution", "remedy", "action"),
        "공정": ("process", "step", "operation", "stage"),
        "과정": ("process", "course"),
        "작업": ("work", "operation", "task", "job"),
        "작업자": ("operator", "worker"),
        "현장": ("shop floor", "site", "field", "floor", "on site"),
        "관리": ("control", "management", "manage", "monitor", "monitoring", "maintain", "keep"),
        "강화": ("strengthening", "reinforcement", "strengthen", "reinforce", "tighten", "intensify",
               "enhance", "improve"),
        "개선": ("improvement", "improve", "enhance", "optimise", "optimize", "upgrade"),
        "교체": ("replacement", "replace", "change", "exchange", "renew", "swap"),
        "보정": ("adjustment", "correction", "compensation", "calibration", "adjust", "correct", "compensate",
               "calibrate"),
        "조정": ("adjustment", "adjust", "tuning", "tune", "regulate", "set"),
        "조절": ("adjustment", "control", "adjust", "regulate", "regulation"),
        "확인": ("check", "confirmation", "verification", "confirm", "verify", "ensure", "make sure"),
        "적용": ("application", "apply", "use", "adopt", "introduce", "implement"),
        "유지": ("maintaining", "maintain", "keep", "hold", "sustain", "maintenance"),
        "부족": ("insufficient", "lack", "shortage", "insufficiency", "deficiency", "inadequate", "low",
               "not enough"),
        "과다": ("excessive", "excess", "too much", "too many", "over", "high"),
        "미흡": ("insufficient", "inadequate", "poor", "lack"),
        "불균일": ("unevenness", "uneven", "non uniform", "nonuniformity", "inconsistent", "irregular",
                "variation"),
        "균일": ("uniform", "uniformity", "even", "consistent", "evenly"),
        "정기": ("regular", "periodic", "routine", "regularly", "periodically", "scheduled"),
        "일정": ("constant", "consistent", "fixed", "steady", "schedule", "regular"),
        "청소": ("cleaning", "clean", "cleanup"),
        "청정도": ("cleanliness",),
        "제거": ("removal", "remove", "eliminate", "elimination", "clear", "get rid"),
        "격리": ("isolation", "quarantine", "segregation", "isolate", "segregate", "separate", "hold"),
        "재작업": ("rework", "reworking"),
        "수정": ("correction", "repair", "fix", "modification", "modify", "correct", "rework", "revise"),
        "폐기": ("scrapping", "scrap", "disposal", "discard", "dispose", "reject"),
        "교육": ("training", "education", "train", "instruction", "teach"),
        "표준": ("standard", "norm"),
        "절차": ("procedure", "process", "steps"),
        "지침": ("guideline", "instruction", "guidance"),
        "속도": ("speed", "velocity", "rate"),
        "압력": ("pressure",),
        "온도": ("temperature", "temp"),
        "시간": ("time", "duration", "hours", "period"),
        "높음": ("high", "higher", "too high", "excessive"),
        "높은": ("high", "higher", "elevated"),
        "높거나": ("high", "higher", "too high"),
        "낮음": ("low", "lower", "too low", "insufficient"),
        "낮은": ("low", "lower"),
        "낮거나": ("low", "lower", "too low"),
        "증가": ("increase", "rise", "growth", "raise"),
        "감소": ("decrease", "reduction", "reduce", "decline", "drop", "lower"),
        "저하": ("drop", "decrease", "decline", "degradation", "reduction", "deterioration", "low", "lower"),
        "검토": ("review", "examine", "examination", "study"),
        "분석": ("analysis", "analyse", "analyze"),
        "조사": ("investigation", "investigate", "survey", "examine"),
        "재발": ("recurrence", "recur", "reoccurrence"),
        "방지": ("prevention", "prevent", "avoid", "avoidance"),
        "예방": ("prevention", "prevent", "preventive"),
        "설정": ("setting", "set", "setup", "configuration", "configure"),
        "조건": ("condition", "parameter"),
        "변경": ("change", "modification", "modify", "alter", "alteration"),
        "자동화": ("automation", "automate", "automated"),
        "모니터링": ("monitoring", "monitor"),
        "준수": ("compliance", "comply", "observe", "follow", "adhere"),
        "설계": ("design", "designing"),
        "설치": ("installation", "install", "mount", "fit"),
        "장착": ("mounting", "installation", "fitting", "mount", "install", "fit"),
        "분해": ("disassembly", "disassemble", "dismantle", "decomposition"),
        "사용": ("use", "usage", "using"),
        "실시": ("carry out", "conduct", "perform", "implement"),
        "실시간": ("real time", "live"),
        "현상": ("phenomenon", "symptom", "condition"),
        "상태": ("condition", "state", "status"),
        "경우": ("case", "when", "if"),
        "여부": ("whether",),
        "부분": ("part", "portion", "section", "area"),
        "부위": ("area", "region", "part", "spot", "location"),
        "위치": ("position", "location", "place"),
        "내부": ("inside", "internal", "interior", "inner"),
        "외부": ("outside", "external", "exterior", "outer"),
        "간격": ("interval", "spacing", "gap", "pitch", "distance"),
        "유량": ("flow rate", "flow"),
        "습도": ("humidity", "moisture"),
        "라인": ("line", "production line"),
        "생산": ("production", "manufacturing", "produce", "manufacture"),
        "제품": ("product", "part", "item"),
        "재료": ("material", "materials"),
        "품질": ("quality",),
        "안전": ("safety", "safe"),
        "주의": ("caution", "attention", "care", "careful", "carefully"),
        "금지": ("prohibition", "prohibited", "forbidden", "prohibit", "do not"),
        "필요": ("need", "necessary", "required", "require", "needed"),
        "즉시": ("immediately", "immediate", "at once", "promptly"),
        "반복": ("repetition", "repeat", "repeated", "recurring", "repeatedly"),
        "이상": ("abnormality", "anomaly", "abnormal", "fault", "more than", "above"),
        "정상": ("normal", "normally", "proper"),
        "적정": ("proper", "appropriate", "adequate", "optimal", "suitable", "correct"),
        "범위": ("range", "scope", "limit"),
        "초과": ("exceed", "excess", "exceeding", "above", "over"),
        "기존": ("existing", "current", "conventional"),
    },
}

# generic words that a faithful English line often folds into the phrase (직조 공정 중 -> during
# weaving, 균열 발생 -> cracks): listed as hints, but a translation is not required to carry them
IMPLICIT: frozenset[str] = frozenset({
    "발생", "공정", "과정", "작업", "실시", "현상", "상태", "경우", "여부", "부분", "부위", "필요", "사용",
})


def _merge(domains: dict[str, dict[str, tuple[str, ...]]]) -> dict[str, tuple[str, ...]]:
    merged: dict[str, tuple[str, ...]] = {}
    for name, table in domains.items():
        for term, english in table.items():
            if merged.get(term, english) != english:
                raise ValueError(f"glossary term {term} of {name} differs from its other domain")
            merged[term] = english
    return merged


TERMS: dict[str, tuple[str, ...]] = _merge(DOMAINS)

_HANGUL = "가-힣"
# a one-syllable term (버, 녹, 실) is a word on its own: not part of a longer word (버튼, 녹색, 실시),
# at most a particle after it
_PARTICLE = "(?:을|를|이|가|은|는|의|에|와|과|도|로|으로|만|나|에서|처럼)"
_WORD_END = f"(?=[^{_HANGUL}]|$|{_PARTICLE}(?:[^{_HANGUL}]|$))"


def _pattern(term: str) -> re.Pattern[str]:
    body = "[ \t]*".join(re.escape(part) for part in term.split())
    if len(term) == 1:
        return re.compile(f"(?<![{_HANGUL}]){body}{_WORD_END}")
    return re.compile(body)


_PATTERNS = {term: _pattern(term) for term in TERMS}
_FIRST = {term: term[0] for term in TERMS}


def _spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, term) of every glossary term in ``text``: longer terms first, then the leftmost,
    each span taken once; in text order."""
    found = []
    for term, pattern in _PATTERNS.items():
        if _FIRST[term] in text:
            found += [(m.start(), m.end(), term) for m in pattern.finditer(text)]
    found.sort(key=lambda hit: (-(hit[1] - hit[0]), hit[0]))
    taken: list[tuple[int, int, str]] = []
    for start, end, term in found:
        if all(end <= s or start >= e for s, e, _ in taken):
            taken.append((start, end, term))
    return sorted(taken)


def terms_in(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The glossary terms found in ``text`` with their English, each once, in order of first
    appearance; the longest term wins where terms overlap (금형면 is 금형면, not 금형)."""
    seen: dict[str, tuple[str, ...]] = {}
    for _, _, term in _spans(text):
        seen.setdefault(term, TERMS[term])
    return list(seen.items())


def glossary_lines(texts: Iterable[str], limit: int = 24) -> list[str]:
    """``금형 = die (mould)`` for each glossary term found in ``texts``, in order of appearance, with at
    most two alternatives (spelling and word-form variants of a word already shown left out); at most
    ``limit`` lines."""
    lines = []
    for term, english in terms_in("\n".join(texts))[:limit]:
        shown = [english[0]]
        for alternative in english[1:]:
            if len(shown) == 3:
                break
            if not any(_variants(alternative, other) for other in shown):
                shown.append(alternative)
        extra = f" ({', '.join(shown[1:])})" if len(shown) > 1 else ""
        lines.append(f"{term} = {shown[0]}{extra}")
    return lines


def gloss(text: str) -> str:
    """``text`` with every glossary term replaced by its preferred English (``금형 접합면`` -> ``die
    parting surface``): a Korean manual sentence an English guide item can be compared with word for
    word."""
    out, last = [], 0
    for start, end, term in _spans(text):
        out += [text[last:start], f" {TERMS[term][0]} "]
        last = end
    out.append(text[last:])
    return re.sub(r"\s+", " ", "".join(out)).strip()


def english_terms() -> frozenset[str]:
    """Every English word of the glossary, lowercase (alternatives split on spaces and hyphens)."""
    return _ENGLISH_WORDS


_ENGLISH_WORDS = frozenset(
    word.lower() for english in TERMS.values() for alternative in english
    for word in re.split(r"[\s\-]+", alternative) if word
)

# words a multi-word alternative may carry that a faithful translation need not repeat
_FILLER = frozenset({"a", "an", "the", "of", "and", "or", "to", "in", "on", "for", "with", "by", "at"})
_BRITISH = (
    (re.compile(r"mould"), "mold"),
    (re.compile(r"(?<=[a-z]{2})our(?=s?$|ed$|ing$|ation)"), "or"),
    (re.compile(r"(?<=[a-z]{2})is(?=e$|es$|ed$|ing$|ation|ations$|er$|ers$)"), "iz"),
    (re.compile(r"(?<=[a-z]{2})ys(?=e$|es$|ed$|ing$)"), "yz"),
    (re.compile(r"(?<=[a-z]{2}[^aeiou])tre(?=s?$)"), "ter"),
    (re.compile(r"aluminium"), "aluminum"),
    (re.compile(r"ageing"), "aging"),
)


def _normal(word: str) -> str:
    word = word.lower()
    for pattern, american in _BRITISH:
        word = pattern.sub(american, word)
    return word


def _stems(word: str) -> frozenset[str]:
    """``word`` and the base forms it may be an inflection of (scratches -> scratch, inspected ->
    inspect, cleaning -> clean, cutting -> cut, labelled -> label, assemblies -> assembly)."""
    word = _normal(word)
    forms = {word}
    for suffix, replacements in (("ies", ("y",)), ("ied", ("y",)), ("es", ("", "e")), ("s", ("",)),
                                 ("ed", ("", "e")), ("ing", ("", "e")), ("ly", ("",)), ("ally", ("",))):
        if word.endswith(suffix) and not word.endswith("ss"):
            base = word[: -len(suffix)]
            if len(base) < 3:
                continue
            for tail in replacements:
                forms.add(base + tail)
            if suffix in ("ed", "ing") and len(base) > 3 and base[-1] == base[-2]:
                forms.add(base[:-1])  # doubled consonant
    return frozenset(forms)


def _variants(one: str, other: str) -> bool:
    """Whether two English alternatives are spellings or word forms of one word (mould/mold,
    inspect/inspection, break/breakage)."""
    a, b = _normal(one), _normal(other)
    if (_stems(a) & _stems(b)) or a == b:
        return True
    shorter, longer = sorted((a, b), key=len)
    return len(shorter) >= 4 and " " not in shorter + longer and longer.startswith(shorter)


def missing_terms(korean_text: str, english_text: str) -> list[str]:
    """The glossary terms of ``korean_text`` none of whose English alternatives occurs in
    ``english_text`` (case-insensitive, whole words, plural and -ed/-ing forms accepted; every word of a
    multi-word alternative, in any order). Generic words (``IMPLICIT``: 공정, 발생...) are not required."""
    words: set[str] = set()
    for word in re.findall(r"[A-Za-z0-9]+", english_text):
        words |= _stems(word)
    missing = []
    for term, english in terms_in(korean_text):
        if term in IMPLICIT:
            continue
        if not any(_carries(alternative, words) for alternative in english):
            missing.append(term)
    return missing


def _carries(alternative: str, words: set[str]) -> bool:
    needed = [w for w in re.split(r"[\s\-]+", alternative) if w and w.lower() not in _FILLER]
    return bool(needed) and all(_stems(w) & words for w in needed)
