import json,struct,sys,numpy as np
def load(f):
    b=open(f,'rb').read(); n=struct.unpack('<Q',b[:8])[0]; h=json.loads(b[8:8+n]); o={}
    for k,v in h.items():
        if k=='__metadata__': continue
        s,e=v['data_offsets']; o[k]=np.frombuffer(b[8+n+s:8+n+e],dtype='<f8').reshape(v['shape'])
    return o
for f in sys.argv[1:]:
    m=load(f+'/model.safetensors'); D=m['decoder']; W=m['omega_fast']; mu=1e-4
    O=D.T@D+mu*np.eye(D.shape[1])
    dg=np.diag(W)/np.diag(O); off=~np.eye(len(O),dtype=bool)
    s=(W[off]@O[off])/(O[off]@O[off]); r=W[off]-s*O[off]
    print(f, 'diag ratio mean %.3f sd %.3f'%(dg.mean(),dg.std()), 'off scale %.3f off shape err %.4f'%(s,np.linalg.norm(r)/np.linalg.norm(s*O[off])))
