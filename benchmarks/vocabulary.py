"""Words for the synthetic benchmark directory (benchmarks/synth.py): names, streets, courses.

Everything here is invented for benchmarking. Street names are generic ("Rue des Érables"),
never a real address; course titles and providers are plausible study material, without links.
Each *style* is the language a library's names and circles are mostly written in.
"""

from __future__ import annotations

#: Country → (share of libraries, circle languages with weights, naming style).
#: Canada's Quebec libraries take the French style (see synth.style_of).
COUNTRIES: dict[str, tuple[int, tuple[tuple[str, int], ...], str]] = {
    "US": (30, (("en", 8), ("es", 2)), "en"),
    "CA": (12, (("en", 6), ("fr", 4)), "en"),
    "GB": (9, (("en", 1),), "en"),
    "KE": (8, (("sw", 5), ("en", 5)), "sw"),
    "TZ": (5, (("sw", 8), ("en", 2)), "sw"),
    "MX": (10, (("es", 1),), "es"),
    "CO": (5, (("es", 1),), "es"),
    "ES": (6, (("es", 1),), "es"),
    "FR": (7, (("fr", 1),), "fr"),
    "SN": (3, (("fr", 1),), "fr"),
    "VN": (5, (("vi", 8), ("en", 2)), "vi"),
}

#: Network names by style: (template, type). {town} is the network's home town.
NETWORKS = {
    "en": (("{town} Public Library", "library_system"), ("{town} County Library", "library_system"),
           ("{town} Regional Library System", "library_system"), ("{town} Area Library Consortium", "consortium")),
    "fr": (("Bibliothèques de {town}", "library_system"), ("Réseau des médiathèques de {town}", "library_system"),
           ("Consortium des bibliothèques de la région de {town}", "consortium")),
    "es": (("Bibliotecas Públicas de {town}", "library_system"), ("Red de Bibliotecas de {town}", "library_system"),
           ("Consorcio de Bibliotecas de la Región de {town}", "consortium")),
    "sw": (("Huduma ya Maktaba ya {town}", "library_system"), ("Maktaba za Umma za {town}", "library_system")),
    "vi": (("Hệ thống Thư viện {town}", "library_system"), ("Thư viện Tỉnh {town}", "library_system")),
}

#: Networks that run circles online only: (name, style, countries).
PARTNERS = (
    ("Open Learning Circles Collective", "en", ("US", "CA", "GB")),
    ("Círculos de Aprendizaje Abiertos", "es", ("MX", "CO", "ES", "US")),
    ("Cercles d'apprentissage ouverts", "fr", ("FR", "CA", "SN")),
    ("Mtandao wa Kujifunza Pamoja", "sw", ("KE", "TZ")),
    ("Vòng tròn Học tập Mở", "vi", ("VN",)),
)

#: Library names: the first in a town, then others in the same town ({quarter}).
LIBRARIES = {
    "en": (("{town} Library", "{town} Branch Library", "{town} Community Library"), ("{quarter} Branch Library",)),
    "fr": (("Bibliothèque de {town}", "Médiathèque de {town}"), ("Bibliothèque {quarter}", "Médiathèque {quarter}")),
    "es": (("Biblioteca Pública de {town}", "Biblioteca Municipal de {town}"), ("Biblioteca {quarter}",)),
    "sw": (("Maktaba ya {town}", "Maktaba ya Jamii ya {town}"), ("Maktaba ya {quarter}",)),
    "vi": (("Thư viện {town}", "Thư viện Công cộng {town}"), ("Thư viện {quarter}",)),
}
QUARTERS = {
    "en": ("Northside", "Riverside", "Oakwood", "Eastgate", "Hillcrest", "Maple Grove", "Lakeview", "Westbrook",
           "Old Town", "Mill Creek", "Cedar Park", "Harbourside"),
    "fr": ("des Érables", "Saint-Éloi", "du Vieux-Port", "Émile-Zola", "de la Forêt", "des Tilleuls", "Côte-Sainte-Anne",
           "Hélène-Boucher", "du Canal", "de l'Étang"),
    "es": ("José Martí", "Gabriela Mistral", "del Centro", "Los Álamos", "San Ángel", "El Carmen", "Sor Juana",
           "La Alameda", "Nuevo León Norte", "Las Jacarandas"),
    "sw": ("Majengo", "Bondeni", "Mji wa Kale", "Kilimani", "Mashariki", "Shauri Moyo", "Tumaini", "Amani"),
    "vi": ("Hoa Sen", "Bình Minh", "Sông Hồng", "Hòa Bình", "Thống Nhất", "Phú Hòa", "Tân Tiến", "Hướng Dương"),
}

#: Invented streets: "{n}" is the number.
STREETS = {
    "en": ("{n} Maple Street", "{n} Oak Avenue", "{n} Cedar Road", "{n} Willow Lane", "{n} Birch Street",
           "{n} Juniper Avenue", "{n} Rowan Road", "{n} Chestnut Lane"),
    "fr": ("{n} Rue des Érables", "{n} Avenue des Tilleuls", "{n} Rue de l'Étang", "{n} Boulevard des Peupliers",
           "{n} Rue des Mésanges", "{n} Allée des Châtaigniers"),
    "es": ("Calle de los Olivos {n}", "Avenida de las Jacarandas {n}", "Calle del Ciprés {n}", "Calle de las Golondrinas {n}",
           "Avenida de los Fresnos {n}", "Calle del Almendro {n}"),
    "sw": ("{n} Mtaa wa Mwembe", "{n} Barabara ya Mnazi", "{n} Mtaa wa Mpapai", "{n} Barabara ya Mvule", "{n} Mtaa wa Mkwaju"),
    "vi": ("{n} Đường Hoa Sữa", "{n} Đường Phượng Vĩ", "{n} Đường Cây Điệp", "{n} Đường Bằng Lăng", "{n} Đường Hoa Gạo"),
}

FACILITATORS = {
    "en": ("Amina", "Luis", "Grace", "Raj", "Tanisha", "Chloé", "Zoë", "Siobhán", "Mateo", "Priya", "Oluwaseun", "Hannah"),
    "fr": ("Amélie", "Benoît", "Hélène", "Théo", "Mathilde", "Léa", "Grégoire", "Aïcha", "Moussa", "Fatou", "Éloïse"),
    "es": ("José", "María", "Iñaki", "Sofía", "Andrés", "Lucía", "Joaquín", "Begoña", "Ramón", "Ximena"),
    "sw": ("Wanjiru", "Otieno", "Achieng", "Baraka", "Neema", "Juma", "Zawadi", "Kamau", "Imani", "Mwanaisha"),
    "vi": ("Thảo", "Minh", "Hương", "Đức", "Lan", "Quỳnh", "Tuấn", "Ngọc", "Phương", "Hải"),
}

ROOMS = {
    "en": ("Meeting room", "Community room", "Computer lab, second floor", "Study room 2"),
    "fr": ("Salle polyvalente", "Espace numérique, 1er étage", "Salle de réunion"),
    "es": ("Sala de usos múltiples", "Aula digital, planta baja", "Sala de lectura"),
    "sw": ("Chumba cha mikutano", "Chumba cha kompyuta, ghorofa ya kwanza"),
    "vi": ("Phòng đa năng", "Phòng máy tính, tầng 2"),
}
ONLINE_ROOMS = {
    "en": "The video link is emailed the day before each meeting",
    "fr": "Le lien de la visioconférence est envoyé la veille",
    "es": "El enlace de la videollamada se envía el día anterior",
    "sw": "Kiungo cha video kinatumwa siku moja kabla",
    "vi": "Đường dẫn họp trực tuyến được gửi trước một ngày",
}

#: Courses: (key, language, course title, provider, topics, circle titles).
COURSES = (
    ("python", "en", "Python Essentials 1", "Cisco Networking Academy", ("python", "programming"),
     ("Python for beginners", "Learn Python together", "Python Essentials, evenings")),
    ("linux", "en", "Linux Essentials", "Cisco Networking Academy", ("linux", "computers", "it-careers"),
     ("Linux Essentials", "The Linux command line, step by step")),
    ("excel", "en", "Excel Essentials", "GCFGlobal", ("spreadsheets", "computers", "careers"),
     ("Excel for work", "Spreadsheets without fear")),
    ("computers", "en", "Computer Basics", "GCFGlobal", ("computers", "digital-skills"),
     ("Computer basics", "Getting comfortable with computers")),
    ("speaking", "en", "Introduction to Public Speaking", "University of Washington (edX)", ("public-speaking", "communication"),
     ("Public speaking practice group", "Speak with confidence")),
    ("fiction", "en", "Start Writing Fiction", "The Open University (OpenLearn)", ("writing", "fiction"),
     ("Start writing fiction", "Fiction writing circle")),
    ("finance", "en", "Personal Finance Essentials", "Khan Academy", ("personal-finance", "money"),
     ("Managing your money", "Personal finance basics")),
    ("food", "en", "Stanford Introduction to Food and Health", "Stanford University (Coursera)", ("nutrition", "health", "cooking"),
     ("Healthy eating, cooking at home", "Food and health")),
    ("learning", "en", "Learning How to Learn", "Deep Teaching Solutions (Coursera)", ("study-skills",),
     ("Learning how to learn", "Study skills for adults")),
    ("wellbeing", "en", "The Science of Well-Being", "Yale University (Coursera)", ("wellbeing", "health", "psychology"),
     ("The science of well-being", "Happiness, the evidence")),
    ("web", "en", "Responsive Web Design", "freeCodeCamp", ("web", "html", "css", "programming"),
     ("Build your first website", "HTML and CSS together")),
    ("photo", "en", "Photography Basics and Beyond", "Michigan State University (Coursera)", ("photography", "art"),
     ("Photography for beginners", "Better photos with your phone")),
    ("genealogy", "en", "Getting Started with Family History", "FamilySearch", ("genealogy", "history"),
     ("Trace your family history", "Genealogy for beginners")),
    ("business", "en", "Starting a Small Business", "OpenLearn", ("small-business", "entrepreneurship"),
     ("Start your own business", "Small business bootcamp")),
    ("python-fr", "fr", "Apprenez à programmer en Python", "OpenClassrooms", ("python", "programming"),
     ("Les bases de Python, en français", "Apprendre Python ensemble")),
    ("informatique", "fr", "Les bases de l'informatique", "GCFGlobal", ("computers", "digital-skills"),
     ("Débuter en informatique", "L'ordinateur sans stress")),
    ("budget", "fr", "Gérer son budget au quotidien", "OpenClassrooms", ("personal-finance", "money"),
     ("Gérer son budget", "Finances personnelles, pas à pas")),
    ("ecriture", "fr", "Écrire une nouvelle", "FUN MOOC", ("writing", "fiction"),
     ("Atelier d'écriture : la nouvelle", "Écrire ensemble")),
    ("parole", "fr", "Prendre la parole en public", "FUN MOOC", ("public-speaking", "communication"),
     ("Prendre la parole en public", "Oser parler en public")),
    ("entreprise", "fr", "Créer son entreprise", "Bpifrance Université", ("small-business", "entrepreneurship"),
     ("Créer son entreprise", "Lancer son activité")),
    ("python-es", "es", "Introducción a la programación con Python", "Universidad de Michigan (Coursera)",
     ("python", "programming"), ("Python para principiantes", "Aprende Python en grupo")),
    ("informatica", "es", "Informática básica", "GCFGlobal", ("computers", "digital-skills"),
     ("Informática básica", "Primeros pasos con la computadora")),
    ("finanzas", "es", "Finanzas personales", "Khan Academy en Español", ("personal-finance", "money"),
     ("Finanzas personales", "Organiza tu dinero")),
    ("nutricion", "es", "Nutrición y salud", "Universidad Nacional Autónoma de México (Coursera)",
     ("nutrition", "health", "cooking"), ("Nutrición y salud en familia", "Comer bien, vivir mejor")),
    ("excel-es", "es", "Excel desde cero", "GCFGlobal", ("spreadsheets", "computers", "careers"),
     ("Excel desde cero", "Hojas de cálculo para el trabajo")),
    ("emprendimiento", "es", "Emprendimiento y pequeñas empresas", "Universidad de los Andes (Coursera)",
     ("small-business", "entrepreneurship"), ("Emprende tu negocio", "Círculo de emprendedoras")),
    ("kompyuta", "sw", "Misingi ya Kompyuta", "GCFGlobal", ("computers", "digital-skills"),
     ("Misingi ya kompyuta", "Jifunze kompyuta pamoja")),
    ("python-sw", "sw", "Utangulizi wa Python", "Cisco Networking Academy", ("python", "programming"),
     ("Python kwa wanaoanza", "Jifunze Python pamoja")),
    ("biashara", "sw", "Biashara Ndogo na Ujasiriamali", "Chuo Kikuu Huria cha Tanzania",
     ("small-business", "entrepreneurship"), ("Anzisha biashara yako", "Ujasiriamali kwa vijana")),
    ("fedha", "sw", "Fedha Binafsi", "Khan Academy", ("personal-finance", "money"),
     ("Fedha binafsi", "Panga bajeti yako")),
    ("kilimo", "sw", "Kilimo Bora cha Mboga", "Taasisi ya Kilimo", ("agriculture", "gardening"),
     ("Kilimo bora cha mboga", "Bustani ya nyumbani")),
    ("python-vi", "vi", "Lập trình Python cơ bản", "Cisco Networking Academy", ("python", "programming"),
     ("Lập trình Python cho người mới", "Cùng học Python")),
    ("tinhoc", "vi", "Tin học văn phòng", "GCFGlobal", ("computers", "spreadsheets", "digital-skills"),
     ("Tin học văn phòng", "Làm quen với máy tính")),
    ("taichinh", "vi", "Quản lý tài chính cá nhân", "Khan Academy", ("personal-finance", "money"),
     ("Quản lý tài chính cá nhân", "Chi tiêu thông minh")),
    ("tienganh", "vi", "Tiếng Anh giao tiếp", "British Council", ("english", "esl", "languages"),
     ("Tiếng Anh giao tiếp", "Câu lạc bộ tiếng Anh")),
    ("thuyettrinh", "vi", "Kỹ năng thuyết trình", "FUNiX", ("public-speaking", "communication"),
     ("Kỹ năng thuyết trình", "Tự tin nói trước đám đông")),
)

#: Descriptions: an opening with {course} and {weeks}, then an optional closing.
OPENINGS = {
    "en": ("Work through {course} together over {weeks} weeks, with a facilitator to keep things moving.",
           "Meet once a week to take {course} as a group and help each other along.",
           "A friendly study group for {course}: watch the lessons, then practise together."),
    "fr": ("Suivez « {course} » ensemble pendant {weeks} semaines, avec une personne pour animer le groupe.",
           "Un groupe d'étude qui se réunit chaque semaine pour suivre « {course} » et s'entraider.",
           "Regardez les leçons de « {course} », puis exercez-vous ensemble, à votre rythme."),
    "es": ("Sigue {course} en grupo durante {weeks} semanas, con una persona facilitadora.",
           "Un grupo de estudio que se reúne cada semana para hacer {course} y ayudarse mutuamente.",
           "Vemos juntos las lecciones de {course} y después practicamos en equipo."),
    "sw": ("Jifunze {course} pamoja kwa wiki {weeks}, pamoja na mwezeshaji.",
           "Kikundi cha kujifunza kinachokutana kila wiki kusoma {course} na kusaidiana.",
           "Tunatazama masomo ya {course} pamoja, kisha tunafanya mazoezi kwa vikundi."),
    "vi": ("Cùng nhau học {course} trong {weeks} tuần, có người hướng dẫn.",
           "Nhóm học gặp nhau mỗi tuần để học {course} và giúp đỡ lẫn nhau.",
           "Cùng xem bài giảng {course}, rồi thực hành theo nhóm."),
}
CLOSINGS = {
    "en": ("No experience needed.", "Bring a laptop if you have one; the library lends a few.",
           "Everyone is welcome, whatever their level.", ""),
    "fr": ("Aucune expérience requise.", "Apportez votre ordinateur portable si vous en avez un ; la bibliothèque en prête.",
           "Ouvert à toutes et à tous, quel que soit le niveau.", ""),
    "es": ("No se necesita experiencia.", "Trae tu portátil si tienes uno; la biblioteca presta algunos.",
           "Todas las personas son bienvenidas, sea cual sea su nivel.", ""),
    "sw": ("Hakuna uzoefu unaohitajika.", "Leta kompyuta yako ikiwa unayo; maktaba inaazima chache.",
           "Wote mnakaribishwa.", ""),
    "vi": ("Không cần kinh nghiệm.", "Hãy mang máy tính xách tay nếu có; thư viện cho mượn một số máy.",
           "Mọi người đều được chào đón.", ""),
}
ACCESSIBILITY = {
    "en": "Step-free entrance; laptops available to borrow.",
    "fr": "Entrée de plain-pied ; ordinateurs portables à emprunter.",
    "es": "Entrada sin escalones; se prestan computadoras portátiles.",
    "sw": "Mlango bila ngazi; kompyuta za kuazima zinapatikana.",
    "vi": "Lối vào không có bậc thang; có máy tính cho mượn.",
}
