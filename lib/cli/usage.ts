/** The CLI's usage text; the domain and emitter parts are generated from the registries. */
import { defaultsOf } from "@/lib/registry/kind";
import { CLI_DOMAINS, sizeFlag } from "./domains";
import { CLI_EMITTERS, emitterFlags, PRESENCE_FLAGS } from "./emitters";
import { flagUsage } from "./flags";

function domainLines(): string[] {
  return [
    `    --domain ${CLI_DOMAINS.map((k) => k.type).join("|")}   (default ${CLI_DOMAINS[0]!.type})`,
    ...CLI_DOMAINS.map((k) => {
      const f = sizeFlag(k);
      return `${`      ${k.type}:`.padEnd(18)}${flagUsage(f, 0).trim()}`;
    }),
  ];
}

function emitterLines(): string[] {
  const lines = [`    --emitter ${CLI_EMITTERS.map((k) => k.type).join("|")}   (default iso-line)`];
  for (const k of CLI_EMITTERS) {
    lines.push(`      ${k.type}: ${k.help}${defaultsOf(k) && "count" in (defaultsOf(k) as object) ? ` (${(defaultsOf(k) as { count: number }).count} emitters by default)` : ""}`);
    for (const f of emitterFlags(k)) lines.push(PRESENCE_FLAGS.has(f.flag) ? flagUsage({ ...f, type: { kind: "other" } }, 8).replace(/ V(\s)/, "$1") : flagUsage(f, 8));
  }
  return lines;
}

export function usage(): string {
  return `Usage:
  qd-studio run [options]
${domainLines().join("\n")}
${emitterLines().join("\n")}
    --batch N                       evaluations per iteration, all emitters (default 540)
    --emitters N                    number of emitters (default 1; 15 for cma-* and gradient-arborescence)
    --ranker R                      CMA rankers; with search archives also nov nslc density
    --learning-rate A --threshold-min T   with gradient-arborescence: CMA-MAEGA (default: elitist CMA-MEGA)
                                    DQD emitters need a domain with gradients (sphere); per emitter,
                                    gradient-operator spends half its batch on the gradient phase,
                                    gradient-arborescence one solution
    --scheduler default|bandit --active N   bandit: UCB1 picks N of the --emitters each iteration
    --extra-emitters JSON           bandit over a mixed pool (pyribs' ME-MAP-Elites): more groups after
                                    --emitter cma-me, as the REST API's extraEmitters, e.g.
                                    '[{"type":"iso-line","isoSigma":0.01,"lineSigma":0.1,"count":15}]'
    --archive grid|cvt              (default grid) --cells N (cvt, default 10000) --samples N (cvt, default 100000)
    --bins N                        grid bins per descriptor (default 100)
    --archive proximity|density|discount   search archives (cma-me emitter; metrics from a grid result archive):
      proximity: --k-neighbors N (15) --novelty-threshold D (required) [--local-competition]
      density:   --bandwidth H (required) --buffer-size N (10000) --density-method kde|kde_sklearn --reservoir uniform|pyribs
      discount:  --learning-rate A (0.1) --threshold-min T (domain minimum)
    --iterations N                  (default 1000)   --seed N (default 1)   --json
    --threads N                     worker threads for gaussian/iso-line (default 1)
  qd-studio reproduce sphere [--iterations N] [--seed N] [--only name,...] [--json]
  qd-studio import openevolve config.yaml [--program initial_program.py] [--evaluator evaluator.py] [--name NAME] [--post URL] [--token T]
                                  the equivalent experiment (JSON), or POST it to a QD Studio server
`;
}
