// newsevents ingest form: send the documents, then poll the job until it is done or failed.
"use strict";

(() => {
  const form = document.getElementById("ingest");
  if (!form) return;  // no form until this browser has the server's token (see /login)
  const panel = document.getElementById("job");
  const state = document.getElementById("job-state");
  const bar = document.getElementById("job-progress");
  const failures = document.getElementById("job-failures");
  const done = document.getElementById("job-done");

  function describe(job) {
    const c = job.counts;
    const counts = `${c.documents} documents read, ${c.stored} stored, ${c.duplicates + c.near_duplicates} duplicates, ${c.failed} failed, ${c.events} events`;
    if (job.state === "queued") return "Waiting for the job before it…";
    if (job.state === "waiting") return `Waiting: ${job.note}`;
    if (job.state === "running") return c.documents ? `Coding… ${counts}` : "Loading the language model and dictionaries…";
    if (job.state === "failed") return `The job failed: ${job.error}`;
    return `Done: ${counts}.`;
  }

  function show(job) {
    panel.hidden = false;
    panel.dataset.state = job.state;
    state.textContent = describe(job);
    if (job.state === "done" || job.state === "failed") bar.value = bar.max = 1; else bar.removeAttribute("value");
    failures.textContent = "";
    for (const failure of job.failures) {
      const li = document.createElement("li");
      li.textContent = `${failure.source}: ${failure.error}: ${failure.message}`;
      failures.appendChild(li);
    }
    done.hidden = job.state !== "done";
  }

  async function poll(url) {
    const response = await fetch(url);
    const job = await response.json();
    show(job);
    if (["queued", "waiting", "running"].includes(job.state)) setTimeout(() => poll(url), 500);
    else form.querySelector("button").disabled = false;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const button = form.querySelector("button");
    button.disabled = true;
    panel.hidden = false;
    state.textContent = "Sending…";
    failures.textContent = "";
    done.hidden = true;
    try {
      const response = await fetch("/api/ingest", { method: "POST", body: new FormData(form) });
      const data = await response.json();
      if (!response.ok) throw new Error(data.message || `HTTP ${response.status}`);
      show(data);
      poll(data.status_url);
    } catch (error) {
      panel.dataset.state = "failed";
      state.textContent = `Could not start: ${error.message}`;
      button.disabled = false;
    }
  });
})();
