/** Sentences in several languages for the demo waddles' messages. */
export const DEMO_SENTENCES = [
  'Good morning everyone! The ice looks solid today.',
  'Has anyone seen the new feeding schedule?',
  'The colony gathered near the north pole this morning.',
  'I uploaded the photos from yesterday’s swim.',
  'Reminder: team meeting at 10:00, bring your fish.',
  'Bonjour à tous ! Le café est prêt.',
  'On se retrouve près de la banquise à midi ?',
  'Déjà vu: another snowstorm, another crêpe party.',
  'Привет всем! Как дела на льдине?',
  'Сегодня очень холодно, но рыба отличная.',
  '大家好！今天的冰很结实。',
  '我们明天在北京大学见面吧。',
  '企鹅们在海边晒太阳。',
  '東京タワーの写真を見ましたか？',
  'ペンギンが泳いでいます。',
  '오늘 날씨가 정말 춥네요.',
  'Guten Morgen! Die Größe der Kolonie wächst.',
  '¡Hola! Mañana vamos a nadar juntos.',
  'Who wants to review the krill report? 🐧',
  'Shipping the new igloo design next week 🎉',
];

export const DEMO_USERS = ['ada', 'bob', 'chen', 'dmitri', 'emma', 'farah', 'gus', 'hana'] as const;

export const DEMO_WADDLES = [
  { name: 'penguins', displayName: 'Penguins', description: 'Everything about the colony.', isPublic: true },
  { name: 'puffins', displayName: 'Puffins', description: 'Cliffs, fish and friends.', isPublic: true },
  { name: 'krill-lab', displayName: 'Krill Lab', description: 'A private research waddle.', isPublic: false },
] as const;
