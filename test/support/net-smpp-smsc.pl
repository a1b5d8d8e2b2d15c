#!/usr/bin/perl
# Net::SMPP (Debian libnet-smpp-perl) acting as the SMSC for the interop test. Listens on 127.0.0.1 on a
# free port (printed as "PORT n"), answers binds, enquire_link and submit_sm (hex ids), and after the
# first submit sends a delivery receipt (text with the id in decimal, TLVs with it in hex) and one
# UCS-2 MO. Prints one line per event for the test. Exits on unbind or after SMSC_MAX_SECONDS.
use strict;
use warnings;
use Net::SMPP;
use IO::Select;
use Encode qw(encode);

$| = 1;
my $deadline = time + ($ENV{SMSC_MAX_SECONDS} || 60);
my $listen = Net::SMPP->new_listen('127.0.0.1', port => 0, timeout => 2, smpp_version => 0x34)
  or die "listen failed: $!";
print "PORT ", $listen->sockport, "\n";

my $next_id = 0x1A2B0000;
my $done = 0;
while (!$done && time < $deadline) {
  # accept returns undef when its timeout passes: just try again until the deadline.
  my $conn = $listen->accept or next;
  serve($conn);
}
print "EXIT\n";
exit 0;

sub serve {
  my ($conn) = @_;
  my $sel = IO::Select->new($conn);
  my $sent_extra = 0;
  while (time < $deadline) {
    next unless $sel->can_read(0.5);
    my $pdu = $conn->read_pdu() or last;
    my $cmd = $pdu->{cmd};
    my $seq = $pdu->{seq};
    if ($cmd == 0x00000009 || $cmd == 0x00000002 || $cmd == 0x00000001) {
      print "BIND $pdu->{system_id}\n";
      my %resp = (seq => $seq, system_id => 'perlsmsc');
      if ($cmd == 0x00000009) { $conn->bind_transceiver_resp(%resp); }
      elsif ($cmd == 0x00000002) { $conn->bind_transmitter_resp(%resp); }
      else { $conn->bind_receiver_resp(%resp); }
    } elsif ($cmd == 0x00000015) {
      $conn->enquire_link_resp(seq => $seq);
    } elsif ($cmd == 0x00000004) {
      my $n = $next_id++;
      my $id = sprintf('%08X', $n);
      printf "SUBMIT %s dc=%d esm=%d len=%d rd=%d id=%s\n", $pdu->{destination_addr}, $pdu->{data_coding},
        $pdu->{esm_class}, length($pdu->{short_message}), $pdu->{registered_delivery}, $id;
      $conn->submit_sm_resp(seq => $seq, message_id => $id);
      next if $sent_extra++;
      my $text = "id:$n sub:001 dlvrd:001 submit date:2406111200 done date:2406111201 stat:DELIVRD err:000 text:"
        . substr($pdu->{short_message}, 0, 20);
      $conn->deliver_sm(
        async => 1,
        source_addr => $pdu->{destination_addr},
        destination_addr => $pdu->{source_addr},
        esm_class => 0x04,
        short_message => $text,
        receipted_message_id => "$id\0",
        message_state => chr(2),
      );
      $conn->deliver_sm(
        async => 1,
        source_addr => '15557770000',
        destination_addr => $pdu->{source_addr},
        data_coding => 8,
        short_message => encode('UTF-16BE', "\x{041F}\x{0440}\x{0438}\x{0432}\x{0435}\x{0442} from Net::SMPP"),
      );
    } elsif ($cmd == 0x80000005) {
      print "DELIVER_RESP seq=$seq status=$pdu->{status}\n";
    } elsif ($cmd == 0x00000006) {
      $conn->unbind_resp(seq => $seq);
      print "UNBIND\n";
      $done = 1;
      last;
    } else {
      $conn->generic_nack(seq => $seq, status => 3);
    }
  }
  close($conn);
}
