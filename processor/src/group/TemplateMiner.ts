/**
 * An online log-template miner of the Drain family (He et al., "Drain: An Online Log Parsing
 * Approach with Fixed Depth Tree", ICWS 2017), written for StackLens.
 *
 * A masked message (maskMessage) is cut into tokens at white space, a run of one placeholder
 * counting as one token (a list of numbers is one variable, whatever its length). Messages reach a leaf of
 * a parse tree of fixed depth: first by their scope (what must never share a template: the
 * service and error type), then by their token count, then by their first `leadingTokens`
 * tokens — a token holding a placeholder or a qualified name (isVariable) goes down the `<*>`
 * branch, and so does any token once a node has `maxChildren` children. In the leaf, the message joins the template it shares the
 * largest share of tokens with, when that share reaches `similarity`; the template then
 * generalises: every position where they differ becomes `<*>`. Otherwise it starts a template.
 *
 * Leading tokens are trusted to be words of the message, as in Drain: a variable the masks do
 * not know (a user name without digits) in the first `leadingTokens` tokens makes a template
 * per value. Looking across branches for such variants cost 0.16 of average grouping accuracy
 * on the benchmark (bench/grouping.ts): leading words tell real logs' events apart.
 *
 * A template's text (its tokens joined by spaces) is its identity: the group stage hashes it
 * into the fingerprint, so the same template gives the same fingerprint in any process that
 * mined or loaded it, whatever the arrival order of the messages that made it. `seed` loads
 * templates known elsewhere (persisted, or mined by another receiver).
 */
export interface TemplateMinerOptions {
  /** Share of a template's tokens, 0–1, that a message must have in common with it to join it [0.75]. */
  similarity: number;
  /** Leading tokens that route a message down the parse tree [2]. */
  leadingTokens: number;
  /** Children of one tree node; tokens beyond go down the `<*>` branch [64]. */
  maxChildren: number;
  /** Tokens of a message that count; the rest are kept as one last token [80]. */
  maxTokens: number;
}

export const DEFAULT_TEMPLATE_MINER_OPTIONS: Readonly<TemplateMinerOptions> = Object.freeze({
  similarity: 0.75,
  leadingTokens: 2,
  maxChildren: 64,
  maxTokens: 80,
});

/** The token of a position that varies. */
export const WILDCARD = '<*>';

export interface MinedTemplate {
  readonly scope: string;
  /** Tokens, `<*>` and maskMessage's placeholders among them. */
  tokens: string[];
  /** The tokens joined by single spaces: the template's identity. */
  text: string;
  /** Messages mined into it by this process. */
  count: number;
}

export interface MineResult {
  template: MinedTemplate;
  /** True when this message started the template. */
  created: boolean;
  /** The template's text before this message generalised it; undefined when it did not change. */
  previousText: string | undefined;
}

interface TreeNode {
  children: Map<string, TreeNode>;
  /** A leaf's templates. */
  templates: MinedTemplate[];
}

export class TemplateMiner {
  readonly options: Readonly<TemplateMinerOptions>;
  readonly #roots = new Map<string, TreeNode>();
  /** Templates by scope and text, for seed() and for lookups by identity. */
  readonly #byText = new Map<string, MinedTemplate>();

  constructor(options: Partial<TemplateMinerOptions> = {}) {
    this.options = Object.freeze({ ...DEFAULT_TEMPLATE_MINER_OPTIONS, ...options });
    checkOptions(this.options);
  }

  /** Templates known, mined or seeded. */
  get size(): number {
    return this.#byText.size;
  }

  /** The template of a masked message in a scope: found (and maybe generalised) or new. */
  mine(scope: string, masked: string): MineResult {
    const tokens = tokenize(masked, this.options.maxTokens);
    const leaf = this.#leaf(scope, tokens);
    const best = this.#bestMatch(leaf.templates, tokens);
    if (best === undefined) {
      const template = this.#add(leaf, scope, tokens);
      template.count += 1;
      return { template, created: true, previousText: undefined };
    }
    best.count += 1;
    const previousText = this.#generalise(best, tokens);
    return { template: best, created: false, previousText };
  }

  /**
   * Adds a template known elsewhere (its text as `text` gave it), unless the same text is
   * known; answers the template. A later message that matches it joins it.
   */
  seed(scope: string, text: string): MinedTemplate {
    const known = this.#byText.get(textKey(scope, text));
    if (known !== undefined) return known;
    const tokens = tokenize(text, this.options.maxTokens);
    return this.#add(this.#leaf(scope, tokens), scope, tokens);
  }

  /** The template with this text in this scope, if known. */
  find(scope: string, text: string): MinedTemplate | undefined {
    return this.#byText.get(textKey(scope, text));
  }

  templates(): IterableIterator<MinedTemplate> {
    return this.#byText.values();
  }

  #leaf(scope: string, tokens: ReadonlyArray<string>): TreeNode {
    let node = this.#roots.get(scope);
    if (node === undefined) {
      node = newNode();
      this.#roots.set(scope, node);
    }
    node = childOf(node, String(tokens.length), Infinity);
    const depth = Math.min(this.options.leadingTokens, tokens.length);
    for (let index = 0; index < depth; index += 1) {
      const token = tokens[index] ?? '';
      node = childOf(node, isVariable(token) ? WILDCARD : token, this.options.maxChildren);
    }
    return node;
  }

  #bestMatch(templates: ReadonlyArray<MinedTemplate>, tokens: ReadonlyArray<string>): MinedTemplate | undefined {
    let best: MinedTemplate | undefined;
    let bestScore = -1;
    for (const template of templates) {
      const score = similarity(template.tokens, tokens);
      if (score > bestScore) {
        bestScore = score;
        best = template;
      }
    }
    return bestScore >= this.options.similarity ? best : undefined;
  }

  #add(leaf: TreeNode, scope: string, tokens: string[]): MinedTemplate {
    const text = tokens.join(' ');
    const template: MinedTemplate = { scope, tokens, text, count: 0 };
    leaf.templates.push(template);
    this.#byText.set(textKey(scope, text), template);
    return template;
  }

  /** Makes the positions where the message differs wildcards; answers the text before, if it changed. */
  #generalise(template: MinedTemplate, tokens: ReadonlyArray<string>): string | undefined {
    let changed = false;
    const { tokens: own } = template;
    for (let index = 0; index < own.length; index += 1) {
      if (own[index] !== tokens[index] && own[index] !== WILDCARD) {
        own[index] = WILDCARD;
        changed = true;
      }
    }
    if (!changed) return undefined;
    const previousText = template.text;
    template.text = own.join(' ');
    this.#byText.delete(textKey(template.scope, previousText));
    const other = this.#byText.get(textKey(template.scope, template.text));
    // Another template generalised to the same text already: the older one keeps the key.
    if (other === undefined) this.#byText.set(textKey(template.scope, template.text), template);
    return previousText;
  }
}

/** Share of positions where the template has the message's token or a wildcard. */
function similarity(template: ReadonlyArray<string>, tokens: ReadonlyArray<string>): number {
  if (template.length === 0) return 1;
  let same = 0;
  for (let index = 0; index < template.length; index += 1) {
    const own = template[index];
    if (own === tokens[index] || own === WILDCARD) same += 1;
  }
  return same / template.length;
}

function tokenize(masked: string, maxTokens: number): string[] {
  const tokens: string[] = [];
  for (const token of masked.split(WHITE_SPACE)) {
    // A run of one placeholder is one variable of varying length (`channels <num> <num> <num>`).
    if (token === '' || (token === tokens[tokens.length - 1] && token.startsWith('<') && token.endsWith('>'))) continue;
    tokens.push(token);
  }
  if (tokens.length <= maxTokens) return tokens;
  return [...tokens.slice(0, maxTokens - 1), tokens.slice(maxTokens - 1).join(' ')];
}

const WHITE_SPACE = /\s+/;

/**
 * A token that holds a placeholder (or a digit left unmasked) does not route the tree, nor does
 * a qualified name of three or more dotted parts (`com.apple.CacheDelete.daily:`,
 * `org.example.Worker`): a bundle id, class or key leading a message names what the message is
 * about more often than what happened, as a host name does. The similarity in the leaf still
 * keeps such messages apart when the rest of them differs. An exception or error class
 * (`java.net.SocketException:`) names what happened: it routes, so that two exceptions with the
 * same text stay two templates.
 */
function isVariable(token: string): boolean {
  return token.includes('<') || DIGIT.test(token) || (QUALIFIED_NAME.test(token) && !ERROR_TYPE.test(token));
}

const DIGIT = /\d/;
const QUALIFIED_NAME = /\w\.\w+\./;
const ERROR_TYPE = /(?:Exception|Error|Fault|Failure)\W*$/;

function newNode(): TreeNode {
  return { children: new Map(), templates: [] };
}

function childOf(node: TreeNode, key: string, maxChildren: number): TreeNode {
  let child = node.children.get(key);
  if (child !== undefined) return child;
  const full = node.children.size >= maxChildren && key !== WILDCARD;
  const actualKey = full ? WILDCARD : key;
  child = node.children.get(actualKey);
  if (child === undefined) {
    child = newNode();
    node.children.set(actualKey, child);
  }
  return child;
}

function textKey(scope: string, text: string): string {
  return `${scope}\u0000${text}`;
}

function checkOptions(options: TemplateMinerOptions): void {
  if (!(options.similarity >= 0 && options.similarity <= 1)) throw new RangeError('similarity must be between 0 and 1');
  if (!Number.isInteger(options.leadingTokens) || options.leadingTokens < 0) throw new RangeError('leadingTokens must be an integer ≥ 0');
  if (!Number.isInteger(options.maxChildren) || options.maxChildren < 1) throw new RangeError('maxChildren must be an integer ≥ 1');
  if (!Number.isInteger(options.maxTokens) || options.maxTokens < 2) throw new RangeError('maxTokens must be an integer ≥ 2');
}
