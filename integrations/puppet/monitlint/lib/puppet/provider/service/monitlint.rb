# A `service` provider that drives Monit through `monitlint service ... --format json`.
# All the logic (lint gate, locking, waiting, verifying the process table) lives in monitlint;
# this file only maps Puppet's calls onto the command and its JSON result.
require 'json'

Puppet::Type.type(:service).provide(:monitlint, parent: :service) do
  desc <<-EOT
    Manages a service defined in Monit's control file through `monitlint service`, which lints
    the control file first (an error such as MON101, no stop program, refuses the action), acts
    through the `monit` executable and verifies the real process state before reporting success.
    The executable is `$MONITLINT_BIN` if set, else `monitlint` on PATH; the control file is
    `$MONITLINT_CONTROL_FILE` if set, else Monit's own search order.

    There is no `enable`: Monit keeps a service's start/stop state across reboots by itself,
    and mapping "enabled" to Monit's "monitored" would clash (Puppet allows running but
    disabled, while an unmonitored service is one Monit no longer keeps track of).
  EOT

  has_feature :refreshable
  has_feature :configurable_timeout # `timeout => S` caps monitlint's wait (default: its own deadline)

  def self.monitlint_bin
    bin = ENV['MONITLINT_BIN']
    return bin unless bin.nil? || bin.empty?
    Puppet::Util.which('monitlint')
  end

  # Run `monitlint service ARGS --format json`; returns [exit status, parsed JSON or nil, raw output].
  def self.monitlint(*args, timeout: nil)
    bin = monitlint_bin
    unless bin
      raise Puppet::Error, 'monitlint executable not found: install monitlint, or set MONITLINT_BIN ' \
                           'to its path (it is not on PATH)'
    end
    options = ['--format', 'json']
    control = ENV['MONITLINT_CONTROL_FILE']
    options += ['-c', control] unless control.nil? || control.empty?
    options += ['--timeout', timeout.to_s] if timeout
    # '--' ends the options: a name starting with '-' reaches monitlint, which refuses it
    output = Puppet::Util::Execution.execute([bin, 'service', *options, '--', *args],
                                             failonfail: false, combine: false)
    data = begin
      JSON.parse(output)
    rescue JSON::ParserError
      nil
    end
    [output.exitstatus, data.is_a?(Hash) ? data : nil, output]
  end

  def self.state_symbol(state)
    case state
    when 'running', 'monitored' then :running
    when 'stopped', 'not monitored' then :stopped
    else state.to_s.tr(' ', '_').to_sym # pending or unknown: never in sync, so Puppet acts and monitlint verifies
    end
  end

  def self.instances
    unless monitlint_bin
      Puppet.debug('monitlint: executable not found, no instances')
      return []
    end
    status, data, output = monitlint('list')
    raise Puppet::Error, "monitlint service list failed (exit #{status}): #{(data && data['message']) || output}" unless status.zero? && data
    data['services'].map do |entry|
      new(name: entry['name'], ensure: state_symbol(entry['state']), provider: :monitlint)
    end
  end

  def default_timeout
    nil # no `timeout` given: monitlint's own deadline (program timeouts plus two Monit cycles)
  end

  def status
    if @resource.original_parameters.key?(:enable)
      # Puppet drops an attribute the provider has no feature for, silently: say it
      warning('enable is ignored by the monitlint provider: Monit keeps start/stop state across reboots, ' \
              'and "not monitored" is not "disabled" (see the module README)')
    end
    result = call('status')
    self.class.state_symbol(result['state'])
  end

  def start
    call('start')
  end

  def stop
    call('stop')
  end

  def restart
    call('restart')
  end

  private

  def call(action)
    status, data, output = self.class.monitlint(action, @resource[:name], timeout: @resource[:timeout])
    raise Puppet::Error, failure(action, status, data, output) unless status.zero? && data && data['ok']
    (data['notes'] || []).each { |note| notice("monitlint: #{note}") } unless action == 'status'
    data
  end

  def failure(action, status, data, output)
    return "monitlint service #{action} gave no result (exit #{status}): #{output.to_s.strip}" unless data
    word = status == 3 ? 'refused' : 'failed'
    lines = ["monitlint service #{action} #{word} (exit #{status}): #{data['message']}"]
    (data['findings'] || []).each do |f|
      lines << "#{f['code']} #{f['rule']} at #{f['path']}:#{f['line']}: #{f['message']}"
    end
    (data['notes'] || []).each { |note| lines << "note: #{note}" }
    lines.join("\n  ")
  end
end
