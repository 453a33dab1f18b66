# PKI and kubeconfigs, made with openssl: one CA, ECDSA P-256 keys (fast to generate; every
# component accepts them; the service-account key too), certificates valid one year. Sourced by cluster.sh; needs common.sh.

# One openssl process per certificate: key, request and CA signature at once (OpenSSL 3 req -CA).
_req() { openssl req -config "$PKI/openssl.cnf" -x509 -nodes -newkey ec -pkeyopt ec_paramgen_curve:P-256 -sha256 "$@" 2>/dev/null; }

# _cert NAME SUBJECT EKU [SAN]: a key and a CA-signed certificate $PKI/NAME.{key,crt}.
_cert() {
  local name=$1 subj=$2 eku=$3 san=${4:-} ext=()
  [[ -n "$san" ]] && ext=(-addext "subjectAltName=$san")
  _req -keyout "$PKI/$name.key" -out "$PKI/$name.crt" -subj "$subj" -days 365 \
    -CA "$PKI/ca.crt" -CAkey "$PKI/ca.key" -addext "basicConstraints=critical,CA:FALSE" \
    -addext "keyUsage=critical,digitalSignature,keyEncipherment" -addext "extendedKeyUsage=$eku" "${ext[@]}"
}

# _kubeconfig FILE USER CERTNAME SERVER: a kubeconfig with the CA and client cert embedded.
_kubeconfig() {
  local file=$1 user=$2 cert=$3 server=$4
  cat >"$file" <<KCFG
apiVersion: v1
kind: Config
clusters:
- name: ra2cert-local
  cluster:
    server: $server
    certificate-authority-data: $(base64 -w0 "$PKI/ca.crt")
users:
- name: $user
  user:
    client-certificate-data: $(base64 -w0 "$PKI/$cert.crt")
    client-key-data: $(base64 -w0 "$PKI/$cert.key")
contexts:
- name: $user@ra2cert-local
  context: {cluster: ra2cert-local, user: $user}
current-context: $user@ra2cert-local
KCFG
  chmod 600 "$file"
}

pki_generate() {
  mkdir -p "$PKI" "$KCFG"
  chmod 700 "$PKI" "$KCFG"
  printf '[req]\ndistinguished_name = dn\nprompt = no\n[dn]\n' >"$PKI/openssl.cnf"
  _req -keyout "$PKI/ca.key" -out "$PKI/ca.crt" -subj "/CN=ra2cert-local-ca" -days 3650 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"
  # A second CA for the aggregation layer (front proxy), as the apiserver requires it to be.
  _req -keyout "$PKI/front-proxy-ca.key" -out "$PKI/front-proxy-ca.crt" -subj "/CN=ra2cert-front-proxy-ca" -days 3650 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"
  _req -keyout "$PKI/front-proxy-client.key" -out "$PKI/front-proxy-client.crt" -subj "/CN=front-proxy-client" -days 365 \
    -CA "$PKI/front-proxy-ca.crt" -CAkey "$PKI/front-proxy-ca.key" -addext "basicConstraints=critical,CA:FALSE" \
    -addext "keyUsage=critical,digitalSignature,keyEncipherment" -addext "extendedKeyUsage=clientAuth"
  local n1 i
  n1=$(node_name 1)
  _cert apiserver "/CN=kube-apiserver" serverAuth \
    "DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc,DNS:kubernetes.default.svc.$CLUSTER_DOMAIN,DNS:localhost,DNS:$n1,IP:$KUBE_SVC_IP,IP:$APISERVER_IP,IP:127.0.0.1"
  _cert apiserver-kubelet-client "/CN=kube-apiserver-kubelet-client" clientAuth
  _cert apiserver-etcd-client "/CN=kube-apiserver-etcd-client" clientAuth
  # The etcd members serve clients on loopback and on their node's address (any node may host one).
  local etcd_sans="DNS:localhost,IP:127.0.0.1"
  for ((i = 1; i <= NODES; i++)); do etcd_sans+=",IP:$(node_ip "$i")"; done
  _cert etcd-server "/CN=etcd" serverAuth,clientAuth "$etcd_sans"
  _cert admin "/O=system:masters/CN=ra2cert-admin" clientAuth
  _cert controller-manager "/CN=system:kube-controller-manager" clientAuth
  _cert scheduler "/CN=system:kube-scheduler" clientAuth
  _cert kube-proxy "/CN=system:kube-proxy" clientAuth
  for ((i = 1; i <= NODES; i++)); do
    _cert "kubelet-$i" "/O=system:nodes/CN=system:node:$(node_name "$i")" clientAuth
    _cert "kubelet-$i-serving" "/O=system:nodes/CN=system:node:$(node_name "$i")" serverAuth \
      "DNS:$(node_name "$i"),IP:$(node_ip "$i")"
  done
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$PKI/sa.key"
  openssl pkey -in "$PKI/sa.key" -pubout -out "$PKI/sa.pub" 2>/dev/null

  _kubeconfig "$ADMIN_KUBECONFIG" ra2cert-admin admin "$APISERVER_URL"
  _kubeconfig "$KCFG/controller-manager.kubeconfig" system:kube-controller-manager controller-manager "$APISERVER_URL"
  _kubeconfig "$KCFG/scheduler.kubeconfig" system:kube-scheduler scheduler "$APISERVER_URL"
  _kubeconfig "$KCFG/kube-proxy.kubeconfig" system:kube-proxy kube-proxy "$APISERVER_URL"
  for ((i = 1; i <= NODES; i++)); do
    _kubeconfig "$KCFG/kubelet-$i.kubeconfig" "system:node:$(node_name "$i")" "kubelet-$i" "$APISERVER_URL"
  done
}
