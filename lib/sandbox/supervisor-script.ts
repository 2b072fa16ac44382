/**
 * The supervisor that lives inside one persistent sandbox (see persistent.ts). It is Perl because
 * Perl is on every Debian-like system next to bubblewrap, starts in milliseconds and costs a few MB
 * per sandbox (a Node process would cost ~40 MB per slot). It is kept deliberately dumb: per request
 * it forks, starts a new session, wires three pipes, chdirs and execs the argv the host built (which
 * already drops privileges and sets the rlimits), pumps stdin/stdout/stderr with bounds, then kills
 * the candidate's process group and every other process the sandbox uid owns (a `kill(-1)` from a
 * child that became that uid), so nothing a candidate started survives into the next candidate.
 * Timeouts are the host's job: it kills the whole sandbox.
 *
 * Wire format, both directions: `<count>\n` then `count` items, each `<byte length>\n<bytes>`.
 * Request items: cwd, stdin, maxStdout, maxStderr, drainMs, envCount, env ("K=V")..., argv...
 * Response items: exit code (-1 if signalled), signal number, error ("" if none), stdout, stderr tail.
 * Arguments: <root|user> <uid> <gid>.
 */
export const SUPERVISOR_SCRIPT = String.raw`
use strict; use warnings;
use POSIX qw(setsid _exit WNOHANG);
use Fcntl qw(F_GETFL F_SETFL O_NONBLOCK);
use Time::HiRes qw(time);
my ($mode, $uid, $gid) = @ARGV;
$SIG{PIPE} = 'IGNORE';
binmode STDIN; binmode STDOUT;
sub rd { my ($n) = @_; my $b = ''; while (length($b) < $n) { my $r = sysread(STDIN, $b, $n - length($b), length($b)); return undef unless $r; } return $b; }
sub rdline { my $l = ''; while (1) { my $c; my $r = sysread(STDIN, $c, 1); return undef unless $r; return $l if $c eq "\n"; $l .= $c; return undef if length($l) > 20; } }
sub rditems { my $n = rdline(); return undef unless defined $n; my @it; for (1 .. $n) { my $len = rdline(); return undef unless defined $len; my $v = $len ? rd($len) : ''; return undef unless defined $v; push @it, $v; } return \@it; }
sub wr { my ($s) = @_; my $off = 0; while ($off < length($s)) { my $w = syswrite(STDOUT, $s, length($s) - $off, $off); _exit(3) unless defined $w; $off += $w; } }
sub reply { my $s = scalar(@_) . "\n"; $s .= length($_) . "\n" . $_ for @_; wr($s); }
sub nonblock { my ($fh) = @_; my $f = fcntl($fh, F_GETFL, 0); fcntl($fh, F_SETFL, $f | O_NONBLOCK); }
sub reap_all {
  if ($mode eq 'root') {
    my $p = fork();
    if (defined $p && $p == 0) { POSIX::setgid($gid); POSIX::setuid($uid); _exit(1) if $< != $uid; kill 'KILL', -1; _exit(0); }
    waitpid($p, 0) if $p;
  } else { kill 'KILL', -1; }
  1 while waitpid(-1, WNOHANG) > 0;
}
while (1) {
  my $it = rditems(); last unless $it;
  my ($cwd, $stdin, $maxOut, $maxErr, $drainMs, $envc) = @$it[0 .. 5];
  my @env = @$it[6 .. 5 + $envc]; my @argv = @$it[6 + $envc .. $#$it];
  pipe(my $in_r, my $in_w) or die; pipe(my $out_r, my $out_w) or die; pipe(my $err_r, my $err_w) or die;
  my $pid = fork();
  if (!defined $pid) { reply(-1, 0, "fork failed: $!", '', ''); next; }
  if ($pid == 0) {
    setsid();
    open(STDIN, '<&', $in_r); open(STDOUT, '>&', $out_w); open(STDERR, '>&', $err_w);
    chdir($cwd) or do { print STDERR "cannot enter $cwd: $!\n"; _exit(126); };
    %ENV = (); for my $kv (@env) { my ($k, $v) = split(/=/, $kv, 2); $ENV{$k} = $v; }
    { no warnings; exec { $argv[0] } @argv; }
    print STDERR "supervisor: failed to execute $argv[0]: $!\n"; _exit(127);
  }
  close $in_r; close $out_w; close $err_w;
  nonblock($in_w); nonblock($out_r); nonblock($err_r);
  my ($out, $err, $error, $status, $exitAt) = ('', '', '', undef, undef);
  my ($inOpen, $outOpen, $errOpen, $off) = (1, 1, 1, 0);
  if (length($stdin) == 0) { close $in_w; $inOpen = 0; }
  while (1) {
    my ($rin, $win) = ('', '');
    vec($rin, fileno($out_r), 1) = 1 if $outOpen;
    vec($rin, fileno($err_r), 1) = 1 if $errOpen;
    vec($win, fileno($in_w), 1) = 1 if $inOpen;
    select(my $rout = $rin, my $wout = $win, undef, 0.02) if $outOpen || $errOpen || $inOpen;
    select(undef, undef, undef, 0.005) unless $outOpen || $errOpen || $inOpen;
    if ($inOpen && vec($wout, fileno($in_w), 1)) {
      my $w = syswrite($in_w, $stdin, 65536, $off);
      if (!defined $w) { if (!$!{EAGAIN}) { close $in_w; $inOpen = 0; } } else { $off += $w; if ($off >= length($stdin)) { close $in_w; $inOpen = 0; } }
    }
    if ($outOpen && vec($rout, fileno($out_r), 1)) {
      my $r = sysread($out_r, $out, 65536, length($out));
      if (defined $r && $r == 0) { close $out_r; $outOpen = 0; }
      elsif (length($out) > $maxOut) { $error = "output too large: more than $maxOut bytes on stdout (process group killed)"; $out = ''; last; }
    }
    if ($errOpen && vec($rout, fileno($err_r), 1)) {
      my $r = sysread($err_r, $err, 65536, length($err));
      if (defined $r && $r == 0) { close $err_r; $errOpen = 0; }
      elsif (length($err) > 2 * $maxErr + 65536) { $err = substr($err, -$maxErr); }
    }
    if (!defined $status) { my $w = waitpid($pid, WNOHANG); if ($w == $pid) { $status = $?; $exitAt = time(); } }
    last if defined $status && !$outOpen && !$errOpen;
    last if defined $status && time() - $exitAt > $drainMs / 1000;
  }
  kill 'KILL', -$pid;
  if (!defined $status) { waitpid($pid, 0); $status = $?; $status = -1 if $error; }
  close $in_w if $inOpen; close $out_r if $outOpen; close $err_r if $errOpen;
  reap_all();
  $err = substr($err, -$maxErr) if length($err) > $maxErr;
  my ($code, $sig) = $status == -1 ? (-1, 9) : ($status & 127) ? (-1, $status & 127) : ($status >> 8, 0);
  reply($error ? -1 : $code, $error ? 0 : $sig, $error, $out, $err);
}
`;
