/**
 * SIPp scenarios for the end-to-end tests, written to a temp dir at run time. They start from SIPp's
 * built-in uac/uas scenarios (`sipp -sd uac`) with telephone-event added and the 4 s timewait shortened.
 */
const HEAD = '<?xml version="1.0" encoding="ISO-8859-1" ?>\n<!DOCTYPE scenario SYSTEM "sipp.dtd">\n';

const RESPONSE_HEAD = `[last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      [last_CSeq:]
      Contact: <sip:[local_ip]:[local_port];transport=[transport]>`;

const OK_WITH_SDP = `<send retrans="500">
    <![CDATA[

      SIP/2.0 200 OK
      ${RESPONSE_HEAD}
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0 101
      a=rtpmap:0 PCMU/8000
      a=rtpmap:101 telephone-event/8000

    ]]>
  </send>`;

const BYE_200 = `<recv request="BYE"/>
  <send>
    <![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
  <timewait milliseconds="200"/>`;

/** Answers with PCMU + telephone-event (run with -rtp_echo to bounce our media back). */
export const UAS_ECHO = `${HEAD}<scenario name="UAS echo">
  <recv request="INVITE" crlf="true"/>
  <send>
    <![CDATA[

      SIP/2.0 180 Ringing
      ${RESPONSE_HEAD}
      Content-Length: 0

    ]]>
  </send>
  ${OK_WITH_SDP}
  <recv request="ACK" optional="true" rtd="true" crlf="true"/>
  ${BYE_200}
</scenario>
`;

/** Challenges the INVITE with 401 and only answers when SIPp's own digest check passes. */
export const UAS_AUTH = `${HEAD}<scenario name="UAS with digest auth">
  <recv request="INVITE"/>
  <send>
    <![CDATA[

      SIP/2.0 401 Unauthorized
      ${RESPONSE_HEAD}
      WWW-Authenticate: Digest realm="sipp.test", nonce="n[pid]x[call_number]", qop="auth", algorithm=MD5
      Content-Length: 0

    ]]>
  </send>
  <recv request="ACK"/>
  <recv request="INVITE">
    <action>
      <verifyauth assign_to="authvalid" username="trunkuser" password="s3cret"/>
    </action>
  </recv>
  <nop hide="true" test="authvalid" next="good"/>
  <send>
    <![CDATA[

      SIP/2.0 403 Forbidden
      ${RESPONSE_HEAD}
      Content-Length: 0

    ]]>
  </send>
  <recv request="ACK"/>
  <recv request="INFO" timeout="300"/>
  <label id="good"/>
  ${OK_WITH_SDP}
  <recv request="ACK" rtd="true"/>
  ${BYE_200}
</scenario>
`;

/** Rings and waits for CANCEL: 200 to the CANCEL, 487 to the INVITE, then the ACK. */
export const UAS_RING_CANCEL = `${HEAD}<scenario name="UAS ringing until CANCEL">
  <recv request="INVITE">
    <action>
      <ereg regexp="[0-9]+" search_in="hdr" header="CSeq:" assign_to="invitecseq"/>
    </action>
  </recv>
  <send>
    <![CDATA[

      SIP/2.0 180 Ringing
      ${RESPONSE_HEAD}
      Content-Length: 0

    ]]>
  </send>
  <recv request="CANCEL"/>
  <send>
    <![CDATA[

      SIP/2.0 200 OK
      ${RESPONSE_HEAD}
      Content-Length: 0

    ]]>
  </send>
  <send>
    <![CDATA[

      SIP/2.0 487 Request Terminated
      [last_Via:]
      [last_From:]
      [last_To:];tag=[pid]SIPpTag01[call_number]
      [last_Call-ID:]
      CSeq: [$invitecseq] INVITE
      Content-Length: 0

    ]]>
  </send>
  <recv request="ACK"/>
  <timewait milliseconds="200"/>
</scenario>
`;

/** Refuses the INVITE with 486 Busy Here. */
export const UAS_BUSY = `${HEAD}<scenario name="UAS busy">
  <recv request="INVITE"/>
  <send>
    <![CDATA[

      SIP/2.0 486 Busy Here
      ${RESPONSE_HEAD}
      Content-Length: 0

    ]]>
  </send>
  <recv request="ACK"/>
</scenario>
`;

/** SIPp's uac_pcap reduced to three RFC 2833 digits from the pcaps SIPp ships: 1, 5, #. */
export const UAC_DTMF = `<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="UAC sending RFC 2833 digits">
  <send retrans="500">
    <![CDATA[

      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag09[call_number]
      To: [service] <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: sip:sipp@[local_ip]:[local_port]
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[local_ip_type] [local_ip]
      t=0 0
      m=audio [auto_media_port] RTP/AVP 8 101
      a=rtpmap:8 PCMA/8000
      a=rtpmap:101 telephone-event/8000
      a=fmtp:101 0-11,16

    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rtd="true"/>
  <send>
    <![CDATA[

      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag09[call_number]
      To: [service] <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Contact: sip:sipp@[local_ip]:[local_port]
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <nop><action><exec play_pcap_audio="/usr/share/sip-tester/dtmf_2833_1.pcap"/></action></nop>
  <pause milliseconds="700"/>
  <nop><action><exec play_pcap_audio="/usr/share/sip-tester/dtmf_2833_5.pcap"/></action></nop>
  <pause milliseconds="700"/>
  <nop><action><exec play_pcap_audio="/usr/share/sip-tester/dtmf_2833_pound.pcap"/></action></nop>
  <pause milliseconds="700"/>
  <send retrans="500">
    <![CDATA[

      BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: sipp <sip:sipp@[local_ip]:[local_port]>;tag=[pid]SIPpTag09[call_number]
      To: [service] <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Contact: sip:sipp@[local_ip]:[local_port]
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>
</scenario>
`;

/** A call forwarded to us: the INVITE carries a Diversion header (RFC 5806) naming the forwarding number. */
export const UAC_DIVERSION = `${HEAD}<scenario name="UAC with Diversion">
  <send retrans="500">
    <![CDATA[

      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "Caller" <sip:+14155550142@[local_ip]:[local_port]>;tag=[pid]SIPpTag10[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Diversion: <sip:+14155550177@carrier.example>;reason=unconditional;counter=1, <sip:+14155550100@carrier.example>;reason=no-answer
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: sip:+14155550142@[local_ip]:[local_port]
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[local_ip_type] [local_ip]
      t=0 0
      m=audio [auto_media_port] RTP/AVP 0
      a=rtpmap:0 PCMU/8000

    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rtd="true"/>
  <send>
    <![CDATA[

      ACK sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "Caller" <sip:+14155550142@[local_ip]:[local_port]>;tag=[pid]SIPpTag10[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      Contact: sip:+14155550142@[local_ip]:[local_port]
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <pause milliseconds="500"/>
  <send retrans="500">
    <![CDATA[

      BYE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: "Caller" <sip:+14155550142@[local_ip]:[local_port]>;tag=[pid]SIPpTag10[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 BYE
      Contact: sip:+14155550142@[local_ip]:[local_port]
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200"/>
</scenario>
`;

const PROXY_INVITE = `<send retrans="500">
    <![CDATA[

      INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:+14155550199@[local_ip]:[local_port]>;tag=[pid]SIPpTag20[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>
      Call-ID: [call_id]
      CSeq: 1 INVITE
      Contact: <sip:+14155550199@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Type: application/sdp
      Content-Length: [len]

      v=0
      o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
      s=-
      c=IN IP[media_ip_type] [media_ip]
      t=0 0
      m=audio [media_port] RTP/AVP 0 101
      a=rtpmap:0 PCMU/8000
      a=rtpmap:101 telephone-event/8000

    ]]>
  </send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="183" optional="true"/>
  <recv response="200" rtd="true" rrs="true"/>
  <send>
    <![CDATA[

      ACK [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:+14155550199@[local_ip]:[local_port]>;tag=[pid]SIPpTag20[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 1 ACK
      [routes]
      Contact: <sip:+14155550199@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>`;

/**
 * A caller behind a record-routing proxy (Kamailio): the ACK and BYE follow the Route set of the 200 OK
 * (rrs) to the Contact of the node that answered. Hangs up after -d milliseconds.
 */
export const UAC_VIA_PROXY = `${HEAD}<scenario name="UAC through a proxy">
  ${PROXY_INVITE}
  <pause/>
  <send retrans="500">
    <![CDATA[

      BYE [next_url] SIP/2.0
      Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
      From: <sip:+14155550199@[local_ip]:[local_port]>;tag=[pid]SIPpTag20[call_number]
      To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
      Call-ID: [call_id]
      CSeq: 2 BYE
      [routes]
      Contact: <sip:+14155550199@[local_ip]:[local_port]>
      Max-Forwards: 70
      Content-Length: 0

    ]]>
  </send>
  <recv response="200" crlf="true"/>
</scenario>
`;

/** The same caller, who waits for the other side to hang up (a BYE through the proxy) and answers it. */
export const UAC_VIA_PROXY_WAITS = `${HEAD}<scenario name="UAC through a proxy, hung up on">
  ${PROXY_INVITE}
  <recv request="BYE" timeout="60000"/>
  <send>
    <![CDATA[

      SIP/2.0 200 OK
      [last_Via:]
      [last_From:]
      [last_To:]
      [last_Call-ID:]
      [last_CSeq:]
      Content-Length: 0

    ]]>
  </send>
  <timewait milliseconds="200"/>
</scenario>
`;
