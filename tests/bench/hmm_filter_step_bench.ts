import { SeededRng } from "../../models/seeded_rng.ts";
import type { GaussianHmm } from "../../models/hmm/gaussian_hmm.ts";
import { OnlineHmmFilter } from "../../models/hmm/online_hmm_filter.ts";
import { prepareHmm } from "../../models/hmm/prepared_hmm.ts";
import { sampleHmm } from "../../models/hmm/_sample_hmm.ts";

/** A K=4, D=4 model with a sticky chain; full covariances are AR(1)-style correlated. */
function model(covarianceType: "diag" | "full"): GaussianHmm {
  const K = 4;
  const D = 4;
  const transmat = new Float64Array(K * K);
  for (let i = 0; i < K; i++) {
    for (let j = 0; j < K; j++) {
      transmat[i * K + j] = i === j ? 0.91 : 0.03;
    }
  }
  const means = new Float64Array(K * D);
  for (let k = 0; k < K; k++) {
    for (let d = 0; d < D; d++) means[k * D + d] = (k - 1.5) * (d + 1) * 0.5;
  }
  const covars = new Float64Array(covarianceType === "diag" ? K * D : K * D * D);
  for (let k = 0; k < K; k++) {
    for (let r = 0; r < D; r++) {
      if (covarianceType === "diag") covars[k * D + r] = 0.5 + 0.1 * k;
      else {for (let c = 0; c < D; c++) {
          covars[(k * D + r) * D + c] = (0.5 + 0.1 * k) * 0.4 ** Math.abs(r - c);
        }}
    }
  }
  return {
    covarianceType,
    K,
    D,
    startprob: new Float64Array(K).fill(0.25),
    transmat,
    means,
    covars,
  };
}

for (const type of ["diag", "full"] as const) {
  const hmm = prepareHmm(model(type));
  const T = 4096;
  const { x } = sampleHmm(hmm.model, T, new SeededRng(1));
  const filter = new OnlineHmmFilter(hmm);
  let t = 0;
  Deno.bench(`OnlineHmmFilter.step K=4 D=4 ${type}`, { group: "filter-step" }, () => {
    filter.step(x, t * 4);
    t = (t + 1) & (T - 1);
  });
  const logB = new Float64Array(4);
  let u = 0;
  Deno.bench(`PreparedHmm.logEmissions K=4 D=4 ${type}`, { group: "emissions" }, () => {
    hmm.logEmissions(x, u * 4, logB, 0);
    u = (u + 1) & (T - 1);
  });
}
