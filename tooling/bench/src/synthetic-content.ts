/**
 * Multilingual chat text with a realistic length distribution (log-normal, mean about 120
 * characters, long tail), deterministic for a seed. Marker words let the benchmark search for a
 * common word (in about 12 % of messages), a rare one (about 0.05 %), a phrase and Chinese text.
 */
export const COMMON_WORD = 'penguin';
export const RARE_WORD = 'narwhal';
export const PHRASE = 'north pole';
export const CJK_TERM = '北京大学';

const ENGLISH = `the a to and of is in it you that for on this was with but are have be not at what so can just like do
if we all my about me your they get one out there up how will no or think know now good time when people make
see see going really would could some more than them should here also day well very other need want back
message channel thread team meeting update review deploy release issue build test fix bug server client data
ice snow cold water fish swim colony winter summer sea ocean wave storm wind flock chick egg nest rock`.split(/\s+/);
const LATIN = `café été déjà très où à ça garçon naïve façade élève crème brûlée über straße größe schön mañana
niño señor canción corazón être fenêtre forêt hôtel île noël piñata fiancée résumé déjà-vu São Paulo Zürich`.split(/\s+/);
const CYRILLIC = `привет как дела пингвин лёд снег холодно вода рыба море зима лето сообщение канал команда сегодня
завтра хорошо спасибо пожалуйста работа проект новости вопрос ответ`.split(/\s+/);
const CHINESE =
  `我们 今天 明天 企鹅 冰雪 海洋 天气 很冷 朋友 工作 项目 会议 消息 频道 问题 回答 谢谢 你好 学习 中国 上海 时间 现在 可以 没有 知道 喜欢`.split(
    /\s+/,
  );
const JAPANESE = `今日 明日 ペンギン 雪 海 天気 寒い 友達 仕事 会議 メッセージ ありがとう こんにちは 東京 タワー 勉強`.split(/\s+/);
const EMOJI = ['🐧', '❄️', '🎉', '👍', '😂', '🐟'];

/** A deterministic pseudo-random source (mulberry32). */
export function randomSource(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Picks from a list with a Zipf-like skew: the first entries are far more frequent. */
function skewed<T>(items: readonly T[], next: () => number): T {
  return items[Math.floor(items.length * next() ** 2.5)]!;
}

/** A log-normal length with mean about 120 characters. */
function targetLength(next: () => number): number {
  const normal = Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return Math.max(2, Math.min(2000, Math.round(Math.exp(4.47 + 0.8 * normal))));
}

export function syntheticMessage(next: () => number): string {
  const roll = next();
  const length = targetLength(next);
  const words: string[] = [];
  let size = 0;
  const cjk = roll >= 0.8 && roll < 0.95;
  const language =
    roll < 0.55 ? ENGLISH : roll < 0.7 ? LATIN : roll < 0.8 ? CYRILLIC : roll < 0.9 ? CHINESE : roll < 0.95 ? JAPANESE : ENGLISH;
  while (size < length) {
    const word = next() < 0.03 ? skewed(EMOJI, next) : language === LATIN && next() < 0.5 ? skewed(ENGLISH, next) : skewed(language, next);
    words.push(word);
    size += word.length + (cjk ? 0 : 1);
  }
  if (next() < 0.12) words.splice(Math.floor(next() * words.length), 0, COMMON_WORD);
  if (next() < 0.0005) words.splice(Math.floor(next() * words.length), 0, RARE_WORD);
  if (next() < 0.01) words.splice(Math.floor(next() * words.length), 0, PHRASE);
  if (language === CHINESE && next() < 0.02) words.splice(Math.floor(next() * words.length), 0, CJK_TERM);
  return cjk ? words.join('') : words.join(' ');
}
