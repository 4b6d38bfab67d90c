class monit (
  Integer $interval = 120,
) {
  package { 'monit': ensure => installed }
  file { '/etc/monit/monitrc':
    ensure  => file,
    mode    => '0600',
    content => epp('monit/monitrc.epp', { 'interval' => $interval }),
    require => Package['monit'],
    notify  => Service['monit'],
  }
  service { 'monit': ensure => running, enable => true }
}
