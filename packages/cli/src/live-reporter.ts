import { createLogUpdate } from 'log-update';
import type { PypeEvent } from '@pypeline/core';
import { consoleReporter } from './console-reporter.js';
import { ProgressBoard } from './run-progress.js';

// Its own file: log-update (with string-width, wrap-ansi and the rest) is loaded only when
// `pype run` draws on a terminal, not for a run into a pipe or a file.

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/**
 * `pype run` on a terminal: the usual lines (one per finished module) stay in the scrollback,
 * and below them a live block, redrawn in place by log-update, shows each running module.
 */
export function liveReporter(stream: NodeJS.WriteStream, verbose = false): (e: PypeEvent) => void {
  const board = new ProgressBoard();
  const log = createLogUpdate(stream);
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;
  const render = () => log(board.lines(Date.now(), SPINNER[frame++ % SPINNER.length]).join('\n'));
  const lines = consoleReporter((line) => log.persist(line), verbose);
  return (e) => {
    board.onEvent(e);
    if (e.type === 'run.finished') {
      clearInterval(timer);
      timer = undefined;
      log.clear();
      log.done();
    } else if (!timer && board.size) {
      // unref: a run that ends without run.finished (a crash) must not be kept alive by the redraw.
      timer = setInterval(render, 120).unref();
    }
    lines(e);
    if (timer) render();
  };
}
